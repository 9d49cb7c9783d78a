import { z } from 'zod'
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { isApprover } from '../../../core/approvals/approver-policy'
import { AUTO_APPROVER } from '../../../core/approvals/auto-approval-policy'
import { castApprovalVote, getApprovalRequest } from '../../../storage/repositories/approvals'
import { appendAudit } from '../../../storage/repositories/audit'
import { jobIdFor } from '../../../core/jobs/job-queue'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/**
 * Approve / Reject. Acks first; only configured approvers may vote; votes are counted
 * once per person, so a double click approves once, and two-approver actions wait for two.
 */
export function createApprovalActionHandler(deps: ListenerDeps, decision: 'approved' | 'rejected') {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { userId, channel, messageTs, tell } = readButtonClick(body, client)
    // The button's value is the request id; anything else (a forged or stale payload) is answered, not queried.
    const approvalId = z.uuid().safeParse(action.value)
    const approval = approvalId.success ? await getApprovalRequest(deps.db, approvalId.data) : null
    if (!approval) return tell(':warning: This approval request no longer exists.')

    const approvers = approval.approvers.length ? approval.approvers : deps.config.APPROVERS
    const allowed = await isApprover(userId, approvers, async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [])
    if (!allowed) {
      await appendAudit(deps.db, {
        actor: userId,
        action: 'approval.refused',
        incidentId: approval.incidentId,
        subjectType: 'approval_request',
        subjectId: approval.id,
        details: { attempted: decision, reason: 'not an approver' },
        slackChannel: channel,
        slackTs: messageTs,
      })
      return tell(
        ":no_entry: You are not on this action's approver list, so your click was not counted. Ask an approver (or the incident commander) to decide.",
      )
    }

    const outcome = await castApprovalVote(deps.db, { approvalId: approval.id, decision, userId, now: deps.now(), slackChannel: channel, slackTs: messageTs })
    if (!outcome) return tell(':warning: This approval request no longer exists.')
    const { request } = outcome
    const jobId = jobIdFor('decided', request.id, outcome.approvedBy.length, request.status)
    const decided = () => deps.queue.enqueue('approval.apply-decision', { approvalId: request.id }, { jobId })
    switch (outcome.kind) {
      case 'closed':
        if (request.status === 'pending' || request.status === 'expired') return tell(':hourglass: This approval request has expired; nothing was run.')
        // Queued again under the same id: a decision whose job could not be queued the first time is not lost (the job is idempotent).
        await decided()
        {
          const by = request.decidedBy === AUTO_APPROVER ? 'policy' : `<@${request.decidedBy}>`
          return tell(`This request was already ${request.status} by ${by} at ${request.decidedAt?.toISOString()}.`)
        }
      case 'own_request':
        return tell(':no_entry: You requested this action, so someone else has to approve it.')
      case 'already_voted':
        return tell(`You already voted on this request; ${outcome.approvedBy.length} of ${request.minApprovals} approvals so far.`)
      case 'recorded':
        await tell(`:ballot_box_with_check: Your approval is recorded: ${outcome.approvedBy.length} of ${request.minApprovals}. It needs another approver.`)
        break
    }
    await decided()
  }
}
