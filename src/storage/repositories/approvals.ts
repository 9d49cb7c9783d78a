import { and, asc, eq, lte } from 'drizzle-orm'
import { approvalActionPreviewSchema } from '../../core/approvals/approval-action-preview'
import type { Database } from '../database'
import { parseStoredColumn } from '../parse-stored-column'
import { approvalRequests, approvalVotes } from '../schema'
import { appendAudit } from './audit'

export type ApprovalRequest = typeof approvalRequests.$inferSelect

/** The action is what runs once approved: a row whose action does not parse fails here, naming the row. */
function toApprovalRequest(row: ApprovalRequest): ApprovalRequest {
  return { ...row, action: parseStoredColumn(approvalActionPreviewSchema, row.action, { table: 'approval_requests', rowId: row.id, column: 'action' }) }
}

export async function createApprovalRequest(db: Database, values: typeof approvalRequests.$inferInsert): Promise<ApprovalRequest> {
  const [row] = await db.insert(approvalRequests).values(values).returning()
  return toApprovalRequest(row!)
}

export async function getApprovalRequest(db: Database, id: string): Promise<ApprovalRequest | null> {
  const [row] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, id))
  return row ? toApprovalRequest(row) : null
}

export async function getApprovalForStep(db: Database, executionId: string, stepPosition: number): Promise<ApprovalRequest | null> {
  const [row] = await db
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.executionId, executionId), eq(approvalRequests.stepPosition, stepPosition)))
  return row ? toApprovalRequest(row) : null
}

export async function setApprovalMessage(db: Database, id: string, channel: string, ts: string): Promise<void> {
  await db.update(approvalRequests).set({ slackChannel: channel, slackTs: ts }).where(eq(approvalRequests.id, id))
}

/** Expires a request that is still pending at or after its expiry time. */
export async function expireApprovalRequest(db: Database, id: string, now: Date): Promise<ApprovalRequest | null> {
  const [row] = await db
    .update(approvalRequests)
    .set({ status: 'expired' })
    .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, 'pending'), lte(approvalRequests.expiresAt, now)))
    .returning()
  return row ? toApprovalRequest(row) : null
}

export type ApprovalVote = typeof approvalVotes.$inferSelect

export type VoteOutcome =
  /** The vote completed the approval (enough distinct approvers) or rejected it. */
  | { kind: 'approved' | 'rejected'; request: ApprovalRequest; approvedBy: string[] }
  /** Counted; more approvers are still needed. */
  | { kind: 'recorded'; request: ApprovalRequest; approvedBy: string[] }
  | { kind: 'already_voted' | 'closed' | 'own_request'; request: ApprovalRequest; approvedBy: string[] }

export async function listApprovalVotes(db: Database, approvalId: string): Promise<ApprovalVote[]> {
  return db.select().from(approvalVotes).where(eq(approvalVotes.approvalId, approvalId)).orderBy(asc(approvalVotes.at))
}

/**
 * Casts one approver's vote, in one transaction with the request row locked: a
 * double click or racing approvers are counted once each, the requester cannot
 * approve their own request, one reject decides, and the request is approved
 * when `min_approvals` distinct approvers have approved. Every vote is audited.
 */
export async function castApprovalVote(
  db: Database,
  input: { approvalId: string; decision: 'approved' | 'rejected'; userId: string; now: Date; slackChannel?: string; slackTs?: string },
): Promise<VoteOutcome | null> {
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(approvalRequests).where(eq(approvalRequests.id, input.approvalId)).for('update')
    if (!locked) return null
    const request = toApprovalRequest(locked)
    const approvers = async () =>
      (
        await tx
          .select({ userId: approvalVotes.userId })
          .from(approvalVotes)
          .where(and(eq(approvalVotes.approvalId, request.id), eq(approvalVotes.vote, 'approve')))
          .orderBy(asc(approvalVotes.at))
      ).map((v) => v.userId)
    if (request.status !== 'pending' || request.expiresAt <= input.now) return { kind: 'closed', request, approvedBy: await approvers() }
    if (input.decision === 'approved' && input.userId === request.requestedBy) return { kind: 'own_request', request, approvedBy: await approvers() }
    const inserted = await tx
      .insert(approvalVotes)
      .values({ approvalId: request.id, userId: input.userId, vote: input.decision === 'approved' ? 'approve' : 'reject', at: input.now })
      .onConflictDoNothing()
      .returning({ id: approvalVotes.id })
    if (inserted.length === 0) return { kind: 'already_voted', request, approvedBy: await approvers() }
    const approvedBy = await approvers()
    const audit = (action: string, details: Record<string, unknown>) =>
      appendAudit(tx as unknown as Database, {
        actor: input.userId,
        action,
        incidentId: request.incidentId,
        subjectType: 'approval_request',
        subjectId: request.id,
        details: { action: request.action, executionId: request.executionId, at: input.now.toISOString(), ...details },
        slackChannel: input.slackChannel ?? request.slackChannel,
        slackTs: input.slackTs ?? request.slackTs,
      })
    const done = input.decision === 'rejected' || approvedBy.length >= request.minApprovals
    if (!done) {
      await audit('approval.vote', { approvals: approvedBy.length, needed: request.minApprovals })
      return { kind: 'recorded', request, approvedBy }
    }
    const [decided] = await tx
      .update(approvalRequests)
      .set({ status: input.decision, decidedBy: input.userId, decidedAt: input.now })
      .where(eq(approvalRequests.id, request.id))
      .returning()
    await audit(`approval.${input.decision}`, { approvedBy })
    return { kind: input.decision, request: toApprovalRequest(decided!), approvedBy }
  })
}

export async function listApprovalRequestsForExecution(db: Database, executionId: string): Promise<ApprovalRequest[]> {
  const rows = await db.select().from(approvalRequests).where(eq(approvalRequests.executionId, executionId)).orderBy(asc(approvalRequests.createdAt))
  return rows.map(toApprovalRequest)
}
