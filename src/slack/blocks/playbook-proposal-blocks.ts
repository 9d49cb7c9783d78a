import type { KnownBlock, ModalView } from '@slack/types'
import type { PlaybookProposalView, PlaybookVersionView } from '../../core/playbooks/playbook-proposal'
import { truncateText } from '../../core/truncate-text'
import { context, escapeMrkdwn, header, section, type SlackMessage } from './block-kit'

export const PROPOSAL_APPROVE_ACTION_ID = 'playbook_proposal_approve'
export const PROPOSAL_REJECT_ACTION_ID = 'playbook_proposal_reject'
/** Value: `<playbook>:<version to restore>:<version it replaces>`. */
export const PLAYBOOK_REVERT_ACTION_ID = 'playbook_version_revert'
export const PROPOSAL_APPROVE_VIEW_CALLBACK_ID = 'playbook_proposal_approve_modal'
/** Block id (and action id) of the approval form's reason. */
export const PROPOSAL_REASON_BLOCK = 'reason'
export const PROPOSAL_REASON_MAX_CHARS = 500

// A diff section's code block, within the 3,000 characters of a section, fences included.
const DIFF_CHARS_PER_SECTION = 2900
const DIFF_SECTIONS = 12
const EVIDENCE_LINES = 15

/** A person (U…/W…) or a user group (S…) as a mention; anything else as escaped text. */
export function mention(id: string): string {
  if (/^[UW][A-Z0-9]{2,}$/.test(id)) return `<@${id}>`
  if (/^S[A-Z0-9]{2,}$/.test(id)) return `<!subteam^${id}>`
  return escapeMrkdwn(id)
}

/** Who decides, said so that they are notified; without owners, says that the approvers decide. */
function decidersLine(view: PlaybookProposalView): string {
  const { who, ids } = view.deciders
  if (who === 'owners') return `For the playbook's owners: ${ids.map(mention).join(' ')}. Only they may decide.`
  const approvers = ids.length ? `the approvers (${ids.map(mention).join(' ')})` : 'nobody (APPROVERS is empty)'
  return `This playbook names no \`owners\`, so ${approvers} may decide. Add \`owners:\` to its YAML to choose who decides.`
}

/** Code blocks of at most DIFF_CHARS_PER_SECTION characters each, cut at line ends; a longer diff says how much is left out. */
function diffSections(diff: string): KnownBlock[] {
  // Text inside a code block is still parsed for &, < and >; a ``` in a playbook would end the block early.
  const lines = escapeMrkdwn(diff)
    .replace(/```/g, '`\u200b`\u200b`')
    .split('\n')
    .filter((l, i, all) => i < all.length - 1 || l !== '')
  const chunks: string[] = []
  let current: string[] = []
  let size = 0
  for (const raw of lines) {
    const line = truncateText(raw, DIFF_CHARS_PER_SECTION - 10)
    if (size + line.length + 1 > DIFF_CHARS_PER_SECTION - 8 && current.length) {
      chunks.push(current.join('\n'))
      current = []
      size = 0
    }
    current.push(line)
    size += line.length + 1
  }
  if (current.length) chunks.push(current.join('\n'))
  const blocks: KnownBlock[] = chunks.slice(0, DIFF_SECTIONS).map((chunk) => section(`\`\`\`${chunk}\`\`\``))
  if (chunks.length > DIFF_SECTIONS) {
    const shownLines = chunks.slice(0, DIFF_SECTIONS).reduce((n, c) => n + c.split('\n').length, 0)
    blocks.push(context(`${lines.length - shownLines} more lines of the diff are not shown.`))
  }
  return blocks
}

function decisionLine(view: PlaybookProposalView): string | null {
  const { status, by, reason, version } = view.decision
  const who = by ? mention(by) : 'someone'
  const why = reason ? `: _${escapeMrkdwn(truncateText(reason, PROPOSAL_REASON_MAX_CHARS))}_` : ''
  switch (status) {
    case 'pending':
      return null
    case 'approved':
      return `:white_check_mark: Approved by ${who}${why}. It is v${version} of the playbook, used by the next runs.`
    case 'rejected':
      return `:x: Rejected by ${who}${why}.`
    case 'stale':
      return `:hourglass: Stale: the playbook changed since this edit was proposed (v${view.baseVersion} → v${version ?? '?'}); it was not applied.`
  }
}

/** The proposal: what and why (evidence), the YAML diff, who decides; buttons while pending, the decision after. */
export function buildPlaybookProposalMessage(view: PlaybookProposalView): SlackMessage {
  const title = escapeMrkdwn(truncateText(view.title, 150))
  const summary = escapeMrkdwn(truncateText(view.summary, 500))
  const evidence = view.evidence.slice(0, EVIDENCE_LINES).map((e) => `• ${escapeMrkdwn(truncateText(e, 300))}`)
  if (view.evidence.length > EVIDENCE_LINES) evidence.push(`• … ${view.evidence.length - EVIDENCE_LINES} more`)
  const decided = decisionLine(view)
  const blocks: KnownBlock[] = [
    header(`Suggested edit: ${truncateText(view.title, 120)}`),
    section(`*${summary}*\nPlaybook \`${escapeMrkdwn(view.playbookId)}\`, edit of v${view.baseVersion} (${view.kind}).\n${decidersLine(view)}`),
    ...(evidence.length ? [section(`*Evidence*\n${evidence.join('\n')}`)] : []),
    ...diffSections(view.diff),
  ]
  if (decided) blocks.push(section(decided))
  else
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', action_id: PROPOSAL_APPROVE_ACTION_ID, value: view.id, style: 'primary', text: { type: 'plain_text', text: 'Approve' } },
        { type: 'button', action_id: PROPOSAL_REJECT_ACTION_ID, value: view.id, style: 'danger', text: { type: 'plain_text', text: 'Reject' } },
      ],
    })
  return { text: `Suggested edit to ${title}: ${summary}${decided ? ` — ${decided}` : ''}`, blocks }
}

/** A new current version (an approved edit or a revert), with a Revert button back to the one it replaced. */
export function buildPlaybookVersionMessage(view: PlaybookVersionView): SlackMessage {
  const what =
    view.source === 'suggestion'
      ? `the edit approved by ${mention(view.by)}`
      : `${mention(view.by)} reverted it (${escapeMrkdwn(truncateText(view.summary, 200))})`
  const why = view.reason ? ` Reason: _${escapeMrkdwn(truncateText(view.reason, PROPOSAL_REASON_MAX_CHARS))}_.` : ''
  const text = `:bookmark: *${escapeMrkdwn(truncateText(view.title, 150))}* is now v${view.version}: ${what}.${why} The next runs use it.`
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: PLAYBOOK_REVERT_ACTION_ID,
            value: `${view.playbookId}:${view.previous}:${view.version}`,
            text: { type: 'plain_text', text: `Revert to v${view.previous}` },
            confirm: {
              title: { type: 'plain_text', text: 'Revert the playbook?' },
              text: { type: 'plain_text', text: `v${view.previous} becomes current again, as a new version; the next runs use it.` },
              confirm: { type: 'plain_text', text: 'Revert' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
        ],
      },
    ],
  }
}

/** Approve asks why: the reason is stored with the version. */
export function buildApproveReasonModal(view: { proposalId: string; summary: string; channel: string | null; messageTs: string | null }): ModalView {
  return {
    type: 'modal',
    callback_id: PROPOSAL_APPROVE_VIEW_CALLBACK_ID,
    private_metadata: JSON.stringify({ proposalId: view.proposalId, channel: view.channel, messageTs: view.messageTs }),
    title: { type: 'plain_text', text: 'Approve the edit' },
    submit: { type: 'plain_text', text: 'Approve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'plain_text', text: truncateText(view.summary, 2900) } },
      {
        type: 'input',
        block_id: PROPOSAL_REASON_BLOCK,
        label: { type: 'plain_text', text: 'Why approve it' },
        element: { type: 'plain_text_input', action_id: PROPOSAL_REASON_BLOCK, multiline: true, max_length: PROPOSAL_REASON_MAX_CHARS },
      },
    ],
  }
}
