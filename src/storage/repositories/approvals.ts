import { and, eq, gt } from 'drizzle-orm'
import type { Database } from '../database'
import { approvalRequests } from '../schema'
import { appendAudit } from './audit'

export type ApprovalRequest = typeof approvalRequests.$inferSelect

export async function createApprovalRequest(db: Database, values: typeof approvalRequests.$inferInsert): Promise<ApprovalRequest> {
  const [row] = await db.insert(approvalRequests).values(values).returning()
  return row!
}

export async function getApprovalRequest(db: Database, id: string): Promise<ApprovalRequest | null> {
  const [row] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, id))
  return row ?? null
}

export async function getApprovalForStep(db: Database, executionId: string, stepPosition: number): Promise<ApprovalRequest | null> {
  const [row] = await db
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.executionId, executionId), eq(approvalRequests.stepPosition, stepPosition)))
  return row ?? null
}

export async function setApprovalMessage(db: Database, id: string, channel: string, ts: string): Promise<void> {
  await db.update(approvalRequests).set({ slackChannel: channel, slackTs: ts }).where(eq(approvalRequests.id, id))
}

/**
 * Decides a pending, unexpired request. Returns null when it was already decided or
 * has expired: the single conditional UPDATE is what makes a double click approve once.
 */
export async function decideApprovalRequest(
  db: Database,
  id: string,
  decision: 'approved' | 'rejected',
  userId: string,
  now: Date,
): Promise<ApprovalRequest | null> {
  const [row] = await db
    .update(approvalRequests)
    .set({ status: decision, decidedBy: userId, decidedAt: now })
    .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, 'pending'), gt(approvalRequests.expiresAt, now)))
    .returning()
  return row ?? null
}

export async function expireApprovalRequest(db: Database, id: string): Promise<ApprovalRequest | null> {
  const [row] = await db
    .update(approvalRequests)
    .set({ status: 'expired' })
    .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, 'pending')))
    .returning()
  return row ?? null
}

/**
 * Records a human decision and its audit entry in one transaction. Null when the
 * request was no longer pending (double click, other approver first, expired).
 */
export async function recordApprovalDecision(
  db: Database,
  input: { approvalId: string; decision: 'approved' | 'rejected'; userId: string; now: Date; slackChannel?: string; slackTs?: string },
): Promise<ApprovalRequest | null> {
  return db.transaction(async (tx) => {
    const decided = await decideApprovalRequest(tx as unknown as Database, input.approvalId, input.decision, input.userId, input.now)
    if (!decided) return null
    await appendAudit(tx as unknown as Database, {
      actor: input.userId,
      action: `approval.${input.decision}`,
      incidentId: decided.incidentId,
      subjectType: 'approval_request',
      subjectId: decided.id,
      details: { action: decided.action, executionId: decided.executionId, decidedAt: input.now.toISOString() },
      slackChannel: input.slackChannel ?? decided.slackChannel,
      slackTs: input.slackTs ?? decided.slackTs,
    })
    return decided
  })
}
