import type { KnownBlock } from '@slack/types'
import type { ApprovalActionPreview } from '../../core/approvals/approval-action-preview'
import type { ApprovalRequestView } from '../../core/approvals/approval-request-view'
import type { ApprovalEscalation } from '../../core/incidents/incident-thread'
import { AUTO_APPROVER } from '../../core/approvals/auto-approval-policy'
import { confidenceBar, context, escapeMrkdwn, percent, section, type SlackMessage } from './block-kit'

export const APPROVE_ACTION_ID = 'approval_approve'
export const REJECT_ACTION_ID = 'approval_reject'

const RISK_ICON = { low: ':large_green_circle:', medium: ':large_yellow_circle:', high: ':red_circle:' } as const

function actionPreview(a: ApprovalActionPreview): string {
  // Slack reads mentions and links inside code blocks too, so the request is escaped like any other text.
  const request = escapeMrkdwn(`${a.method} ${a.url}\n${JSON.stringify(a.body, null, 2)}`)
  return `*${escapeMrkdwn(a.preview)}*\n\`\`\`${request}\`\`\`${a.dryRun ? `\n_${escapeMrkdwn(a.dryRun)}_` : ''}`
}

function who(approvers: string[]): string {
  if (approvers.length === 0) return 'any configured approver'
  return approvers.map((a) => (a.startsWith('S') ? `<!subteam^${a}>` : `<@${a}>`)).join(', ')
}

/** The approval request: exactly what will run, why, how sure, who may approve, and until when. */
export function buildApprovalRequestMessage(a: ApprovalRequestView): SlackMessage {
  const blocks: KnownBlock[] = [
    section(`:raised_hand: *Approval needed* — ${RISK_ICON[a.action.risk]} ${a.action.risk} risk\n${actionPreview(a.action)}`),
    section(`*Why:* ${escapeMrkdwn(a.rationale)}${a.confidence !== null ? `\n*Confidence:* ${confidenceBar(a.confidence)} ${percent(a.confidence)}` : ''}`),
  ]
  if (a.status === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: `approval:${a.id}`,
      elements: [
        { type: 'button', action_id: APPROVE_ACTION_ID, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: a.id },
        { type: 'button', action_id: REJECT_ACTION_ID, text: { type: 'plain_text', text: 'Reject' }, style: 'danger', value: a.id },
      ],
    })
    const progress =
      a.minApprovals > 1
        ? `${a.approvedBy.length} of ${a.minApprovals} approvals${a.approvedBy.length ? ` (${a.approvedBy.map((u) => `<@${u}>`).join(', ')})` : ''} · `
        : ''
    blocks.push(
      context(
        `${progress}Approvers: ${who(a.approvers)} · expires <!date^${Math.floor(a.expiresAt.getTime() / 1000)}^{time}|${a.expiresAt.toISOString()}> ` +
          '· dry run shown above; nothing runs until approved',
      ),
    )
  } else {
    const verb = { approved: ':white_check_mark: Approved', rejected: ':no_entry: Rejected', expired: ':hourglass: Expired', pending: '' }[a.status]
    const deciders = a.status === 'approved' && a.approvedBy.length ? a.approvedBy : a.decidedBy ? [a.decidedBy] : []
    const by =
      a.decidedBy === AUTO_APPROVER
        ? ' automatically by policy (low risk, high confidence, allowed by the playbook)'
        : deciders.length
          ? ` by ${deciders.map((u) => `<@${u}>`).join(' and ')}`
          : ''
    const when = a.decidedAt ? ` at ${a.decidedAt.toISOString()}` : ` at ${a.expiresAt.toISOString()}`
    blocks.push(context(`${verb}${by}${when}`))
  }
  return { text: `Approval ${a.status}: ${escapeMrkdwn(a.action.preview)}`, blocks }
}

/** An approval nobody decided on in time: who is paged, what was waiting, and how to start the run again. */
export function buildApprovalEscalationMessage(escalation: ApprovalEscalation): SlackMessage {
  const { contacts, restart } = escalation
  const paged = contacts.length ? who(contacts).replace(/, /g, ' ') : 'nobody (no approvers or escalation contacts are configured)'
  const again = restart
    ? ` Restart it with \`/sre run ${escapeMrkdwn(restart.playbookId)} ${escapeMrkdwn(restart.incidentLabel)}\` once someone can decide.`
    : ''
  const waiting = escapeMrkdwn(escalation.actionPreview)
  const text = `:rotating_light: Escalating to ${paged}: nobody decided on *${waiting}* before it expired, so the playbook run stopped.${again}`
  return { text, blocks: [section(text)] }
}
