import { listApprovalVotes, type ApprovalRequest } from '../storage/repositories/approvals'
import type { WorkerDeps } from './worker-deps'

/** Shows the request's current state and the approvals so far on its message. */
export async function showApproval(deps: Pick<WorkerDeps, 'db' | 'thread'>, approval: ApprovalRequest): Promise<void> {
  if (!approval.slackChannel || !approval.slackTs) return
  const approvedBy = (await listApprovalVotes(deps.db, approval.id)).filter((v) => v.vote === 'approve').map((v) => v.userId)
  await deps.thread.showApproval({ ...approval, approvedBy }, { channel: approval.slackChannel, ts: approval.slackTs })
}
