import type { ApprovalActionPreview } from '../../core/approvals/approval-action-preview'
import { index, integer, jsonb, pgTable, real, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { incidents } from './incidents'
import { playbookExecutions } from './playbooks'

export const approvalRequests = pgTable(
  'approval_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    executionId: uuid('execution_id').references(() => playbookExecutions.id),
    stepPosition: integer('step_position'),
    action: jsonb('action').$type<ApprovalActionPreview>().notNull(),
    rationale: text('rationale').notNull(),
    confidence: real('confidence'),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'expired'] })
      .notNull()
      .default('pending'),
    approvers: jsonb('approvers').$type<string[]>().notNull().default([]),
    /** Distinct approvers needed; high-risk actions need at least two. */
    minApprovals: integer('min_approvals').notNull().default(1),
    requestedBy: text('requested_by').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('approval_requests_incident_idx').on(t.incidentId)],
)

/** One approver's vote on a request: an approval needs `min_approvals` distinct approve votes. */
export const approvalVotes = pgTable(
  'approval_votes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    approvalId: uuid('approval_id')
      .notNull()
      .references(() => approvalRequests.id),
    userId: text('user_id').notNull(),
    vote: text('vote', { enum: ['approve', 'reject'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('approval_votes_user_uq').on(t.approvalId, t.userId)],
)
