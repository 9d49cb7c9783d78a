import type { WebClient } from '@slack/web-api'
import { isApprover } from '../../core/approvals/approver-policy'
import { playbookDeciders, playbookProposalView } from '../../core/playbooks/playbook-proposal'
import type { Playbook } from '../../core/playbooks/schema'
import { appendAudit } from '../../storage/repositories/audit'
import { getCurrentPlaybook, revertPlaybook, type PlaybookProposal } from '../../storage/repositories/playbook-versions'
import { buildPlaybookProposalMessage, buildPlaybookVersionMessage, mention } from '../blocks/playbook-proposal-blocks'
import type { ListenerDeps } from './listener-deps'

/**
 * Whether `userId` may decide edits of `playbook` (and revert it): one of its owners, or, when it names none, one of
 * the approvers. Returns the refusal to tell them, or null when they may.
 */
export async function refusePlaybookDecider(deps: Pick<ListenerDeps, 'config'>, client: WebClient, userId: string, playbook: Playbook): Promise<string | null> {
  const deciders = playbookDeciders(playbook, deps.config.APPROVERS)
  const allowed = await isApprover(userId, deciders.ids, async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [])
  if (allowed) return null
  const who = deciders.ids.map(mention).join(' ')
  return deciders.who === 'owners'
    ? `:no_entry: Only the owners of \`${playbook.id}\` (${who}) may decide on its edits and versions; nothing was changed.`
    : `:no_entry: \`${playbook.id}\` names no owners, so only the approvers ${who ? `(${who})` : '(none are configured)'} may decide; nothing was changed.`
}

/** Shows a proposal as stored (its decision, buttons gone) on the message it was posted as. */
export async function showProposalDecision(
  deps: Pick<ListenerDeps, 'config' | 'db'>,
  client: WebClient,
  proposal: PlaybookProposal,
  staleVersion: number | null = null,
): Promise<void> {
  if (!proposal.slackChannel || !proposal.slackTs) return
  const current = await getCurrentPlaybook(deps.db, proposal.playbookId)
  const view = playbookProposalView(proposal, playbookDeciders(current ?? proposal.base, deps.config.APPROVERS), staleVersion)
  await client.chat.update({ channel: proposal.slackChannel, ts: proposal.slackTs, ...buildPlaybookProposalMessage(view) })
}

/**
 * Makes version `toVersion` of a playbook current again (as a new version), for its owners only, and answers:
 * `announce` posts the new version where it was asked for; `tell` answers the person alone.
 */
export async function revertPlaybookFor(
  deps: Pick<ListenerDeps, 'config' | 'db' | 'now'>,
  client: WebClient,
  request: { playbookId: string; toVersion: number; userId: string; reason: string | null; expectCurrent?: number; channel: string | null },
  answer: { tell(text: string): Promise<void>; announce(message: ReturnType<typeof buildPlaybookVersionMessage>): Promise<void> },
): Promise<void> {
  const current = await getCurrentPlaybook(deps.db, request.playbookId)
  if (!current) return answer.tell(`There is no playbook \`${request.playbookId}\`; \`/sre playbooks\` lists them.`)
  const refusal = await refusePlaybookDecider(deps, client, request.userId, current)
  if (refusal) return answer.tell(refusal)
  const outcome = await revertPlaybook(deps.db, { ...request, now: deps.now() })
  switch (outcome.kind) {
    case 'not_found':
      return answer.tell(
        outcome.what === 'version'
          ? `\`${request.playbookId}\` has no v${request.toVersion} (it is at v${current.version}).`
          : `There is no playbook \`${request.playbookId}\`.`,
      )
    case 'unchanged':
      return answer.tell(`\`${request.playbookId}\` v${outcome.current} already says what v${request.toVersion} says: nothing to revert.`)
    case 'changed':
      return answer.tell(`\`${request.playbookId}\` changed since (it is now v${outcome.current}): nothing was reverted.`)
    case 'reverted':
      await appendAudit(deps.db, {
        actor: request.userId,
        action: 'playbook.reverted',
        subjectType: 'playbook',
        subjectId: request.playbookId,
        details: { from: outcome.from, to: request.toVersion, version: outcome.version.version, reason: request.reason },
        slackChannel: request.channel,
      })
      return answer.announce(
        buildPlaybookVersionMessage({
          playbookId: request.playbookId,
          title: outcome.version.definition.title,
          version: outcome.version.version,
          previous: outcome.from,
          source: 'revert',
          summary: outcome.version.summary,
          by: request.userId,
          reason: request.reason,
        }),
      )
  }
}
