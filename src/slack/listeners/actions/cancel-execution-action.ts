import { z } from 'zod'
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { isApprover } from '../../../core/approvals/approver-policy'
import { appendAudit } from '../../../storage/repositories/audit'
import { cancelExecution, getExecution } from '../../../storage/repositories/playbooks'
import { jobIdFor } from '../../../core/jobs/job-queue'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** "Cancel run" on a playbook's progress message: approvers (and whoever started the run) may stop it. */
export function createCancelExecutionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { userId, channel, tell } = readButtonClick(body, client)
    const executionId = z.uuid().safeParse(action.value)
    const execution = executionId.success ? await getExecution(deps.db, executionId.data) : null
    if (!execution) return tell(':warning: This playbook run no longer exists.')
    const allowed =
      execution.startedBy === userId ||
      (await isApprover(userId, deps.config.APPROVERS, async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? []))
    if (!allowed) return tell(':no_entry: Only approvers, or whoever started the run, can cancel it.')
    const announce = () => deps.queue.enqueue('playbook.show-cancellation', { executionId: execution.id }, { jobId: jobIdFor('cancelled', execution.id) })
    const cancelled = await cancelExecution(deps.db, execution.id)
    if (!cancelled) {
      // Queued again under the same id: a cancel whose job could not be queued the first time still reaches the thread.
      if (execution.status === 'cancelled') await announce()
      return tell(`This run already ended (${execution.status.replace('_', ' ')}).`)
    }
    await appendAudit(deps.db, {
      actor: userId,
      action: 'playbook.cancelled',
      incidentId: execution.incidentId,
      subjectType: 'playbook_execution',
      subjectId: execution.id,
      details: { playbook: execution.playbookId, atStep: execution.nextStep },
      slackChannel: channel,
      slackTs: body.message?.ts,
    })
    await announce()
  }
}
