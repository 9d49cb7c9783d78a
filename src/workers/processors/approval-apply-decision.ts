import { PermanentJobError } from '../../core/errors'
import { jobIdFor, type JobData } from '../../core/jobs/job-queue'
import { getApprovalRequest } from '../../storage/repositories/approvals'
import { getExecution, updateExecution } from '../../storage/repositories/playbooks'
import { showApproval } from '../show-approval'
import type { WorkerDeps } from '../worker-deps'

/** After a decision: show it on the request message and let the playbook go on (or stop). */
export async function processApprovalApplyDecision(deps: WorkerDeps, data: JobData<'approval.apply-decision'>): Promise<void> {
  const approval = await getApprovalRequest(deps.db, data.approvalId)
  if (!approval) throw new PermanentJobError(`approval ${data.approvalId} does not exist`)
  await showApproval(deps, approval)
  if (approval.status === 'pending' || !approval.executionId) return
  const execution = await getExecution(deps.db, approval.executionId)
  if (execution?.status !== 'waiting_approval') return
  await updateExecution(deps.db, execution.id, { status: 'running' })
  await deps.queue.enqueue('playbook.advance', { executionId: execution.id }, { jobId: jobIdFor('advance', execution.id, execution.nextStep, approval.status) })
}
