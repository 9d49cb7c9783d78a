import { PermanentJobError } from '../../core/errors'
import { buildApprovalRequestMessage } from '../../slack/blocks/approval-blocks'
import { expireApprovalRequest, getApprovalRequest, listApprovalVotes, type ApprovalRequest } from '../../storage/repositories/approvals'
import { appendAudit } from '../../storage/repositories/audit'
import { getExecution, updateExecution } from '../../storage/repositories/playbooks'
import { jobIdFor, type JobData } from '../jobs'
import type { WorkerDeps } from '../worker-deps'

/** After a decision: show it on the request message and let the playbook go on (or stop). */
export async function processApprovalDecided(deps: WorkerDeps, data: JobData<'approval.decided'>): Promise<void> {
  const approval = await getApprovalRequest(deps.db, data.approvalId)
  if (!approval) throw new PermanentJobError(`approval ${data.approvalId} does not exist`)
  await renderApproval(deps, approval)
  if (approval.status === 'pending' || !approval.executionId) return
  const execution = await getExecution(deps.db, approval.executionId)
  if (!execution || execution.status !== 'waiting_approval') return
  await updateExecution(deps.db, execution.id, { status: 'running' })
  await deps.queue.enqueue('playbook.advance', { executionId: execution.id }, { jobId: jobIdFor('advance', execution.id, execution.nextStep, approval.status) })
}

/** An approval nobody decided in time expires; the run stops and says so. */
export async function processApprovalExpire(deps: WorkerDeps, data: JobData<'approval.expire'>): Promise<void> {
  const expired = await expireApprovalRequest(deps.db, data.approvalId)
  if (!expired) return
  await appendAudit(deps.db, { actor: 'system', action: 'approval.expired', incidentId: expired.incidentId, subjectType: 'approval_request', subjectId: expired.id, details: { action: expired.action } })
  await renderApproval(deps, expired)
  if (expired.executionId) {
    const execution = await getExecution(deps.db, expired.executionId)
    if (execution?.status === 'waiting_approval') await updateExecution(deps.db, execution.id, { status: 'failed' })
  }
}

/** Re-renders the request message with its current state and the approvals so far. */
export async function renderApproval(deps: WorkerDeps, approval: ApprovalRequest): Promise<void> {
  if (!approval.slackChannel || !approval.slackTs) return
  const approvedBy = (await listApprovalVotes(deps.db, approval.id)).filter((v) => v.vote === 'approve').map((v) => v.userId)
  await deps.slack.update(approval.slackChannel, approval.slackTs, buildApprovalRequestMessage({ ...approval, approvedBy }))
}
