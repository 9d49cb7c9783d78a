import { listApprovalVotes, type ApprovalRequest } from '../storage/repositories/approvals'
import { requestHomeRefresh } from '../storage/repositories/home-viewers'
import type { WorkerDeps } from './worker-deps'

/** Shows the request's current state and the approvals so far on its message. */
export async function showApproval(deps: Pick<WorkerDeps, 'db' | 'thread' | 'queue' | 'config' | 'now'>, approval: ApprovalRequest): Promise<void> {
  // Decided, expired or cancelled: it no longer waits on anyone's Home tab.
  await requestHomeRefresh(deps)
  if (!approval.slackChannel || !approval.slackTs) return
  const approvedBy = (await listApprovalVotes(deps.db, approval.id)).filter((v) => v.vote === 'approve').map((v) => v.userId)
  await deps.thread.showApproval({ ...approval, approvedBy }, { channel: approval.slackChannel, ts: approval.slackTs })
}
