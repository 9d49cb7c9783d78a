import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { isApprover } from '../../../core/approvals/approver-policy'
import { getApprovalRequest, recordApprovalDecision } from '../../../storage/repositories/approvals'
import { appendAudit } from '../../../storage/repositories/audit'
import { jobIdFor } from '../../../workers/jobs'
import type { ListenerDeps } from '../listener-deps'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/**
 * Approve / Reject. Acks first; only configured approvers may decide; the decision
 * is one conditional UPDATE, so a double click or a second approver decides once.
 */
export function createApprovalActionHandler(deps: ListenerDeps, decision: 'approved' | 'rejected') {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const userId = body.user.id
    const channel = body.channel?.id ?? body.container?.channel_id
    const messageTs = body.message?.ts ?? body.container?.message_ts
    const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts
    const tell = async (text: string) => {
      if (channel) await client.chat.postEphemeral({ channel, user: userId, text, thread_ts: threadTs })
    }
    const approval = await getApprovalRequest(deps.db, action.value ?? '')
    if (!approval) return tell(':warning: This approval request no longer exists.')

    const approvers = approval.approvers.length ? approval.approvers : deps.config.APPROVERS
    const allowed = await isApprover(userId, approvers, async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [])
    if (!allowed) {
      await appendAudit(deps.db, { actor: userId, action: 'approval.refused', incidentId: approval.incidentId, subjectType: 'approval_request', subjectId: approval.id, details: { attempted: decision, reason: 'not an approver' }, slackChannel: channel, slackTs: messageTs })
      return tell(":no_entry: You are not on this action's approver list, so your click was not counted. Ask an approver (or the incident commander) to decide.")
    }

    const decided = await recordApprovalDecision(deps.db, { approvalId: approval.id, decision, userId, now: deps.now(), slackChannel: channel, slackTs: messageTs })
    if (!decided) {
      const current = await getApprovalRequest(deps.db, approval.id)
      if (current?.status === 'pending' || current?.status === 'expired') return tell(':hourglass: This approval request has expired; nothing was run.')
      return tell(`This request was already ${current?.status} by <@${current?.decidedBy}> at ${current?.decidedAt?.toISOString()}.`)
    }
    await deps.queue.enqueue('approval.decided', { approvalId: decided.id }, { jobId: jobIdFor('decided', decided.id) })
  }
}
