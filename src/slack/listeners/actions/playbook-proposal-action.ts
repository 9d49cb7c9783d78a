import { z } from 'zod'
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { appendAudit } from '../../../storage/repositories/audit'
import { getCurrentPlaybook, getPlaybookProposal, rejectPlaybookProposal, type PlaybookProposal } from '../../../storage/repositories/playbook-versions'
import { buildApproveReasonModal, mention } from '../../blocks/playbook-proposal-blocks'
import type { ListenerDeps } from '../listener-deps'
import { refusePlaybookDecider, showProposalDecision } from '../playbook-decisions'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** How a decided proposal is told to whoever clicks it again. */
export function alreadyDecided(proposal: PlaybookProposal): string {
  const by = proposal.decidedBy ? ` by ${mention(proposal.decidedBy)}` : ''
  const at = proposal.decidedAt ? ` at ${proposal.decidedAt.toISOString()}` : ''
  if (proposal.status === 'stale') return `This edit was not applied: the playbook changed since it was proposed (found${by}${at}).`
  return `This edit was already ${proposal.status}${by}${at}${proposal.resultingVersion ? ` (v${proposal.resultingVersion})` : ''}.`
}

/**
 * Approve / Reject on a proposed playbook edit: only its owners (or, without owners, the approvers) may decide.
 * Approve opens the form asking why; Reject is stored at once. Decided once: a second click is told the decision.
 */
export function createPlaybookProposalActionHandler(deps: ListenerDeps, decision: 'approve' | 'reject') {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const id = z.uuid().safeParse(action.value)
    const proposal = id.success ? await getPlaybookProposal(deps.db, id.data) : null
    if (!proposal) return click.tell(':warning: This proposal no longer exists.')
    const playbook = (await getCurrentPlaybook(deps.db, proposal.playbookId)) ?? proposal.base
    const refusal = await refusePlaybookDecider(deps, client, click.userId, playbook)
    if (refusal) {
      await appendAudit(deps.db, {
        actor: click.userId,
        action: 'playbook.edit_refused',
        subjectType: 'playbook_proposal',
        subjectId: proposal.id,
        details: { playbook: proposal.playbookId, attempted: decision, reason: 'not an owner' },
        slackChannel: click.channel,
        slackTs: click.messageTs,
      })
      return click.tell(refusal)
    }
    if (proposal.status !== 'pending') return click.tell(alreadyDecided(proposal))
    if (decision === 'approve') {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: buildApproveReasonModal({
          proposalId: proposal.id,
          summary: proposal.summary,
          channel: click.channel ?? null,
          messageTs: click.messageTs ?? null,
        }),
      })
      return
    }
    const outcome = await rejectPlaybookProposal(deps.db, { proposalId: proposal.id, userId: click.userId, reason: null, now: deps.now() })
    if (outcome.kind === 'not_found') return click.tell(':warning: This proposal no longer exists.')
    if (outcome.kind !== 'rejected') return click.tell(alreadyDecided(outcome.proposal))
    await appendAudit(deps.db, {
      actor: click.userId,
      action: 'playbook.edit_rejected',
      subjectType: 'playbook_proposal',
      subjectId: proposal.id,
      details: { playbook: proposal.playbookId, baseVersion: proposal.baseVersion, summary: proposal.summary },
      slackChannel: click.channel,
      slackTs: click.messageTs,
    })
    await showProposalDecision(deps, client, outcome.proposal)
  }
}
