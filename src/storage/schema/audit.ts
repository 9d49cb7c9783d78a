import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { z } from 'zod'

/** What an audited action was about: step, request, decision, ids. */
export const auditDetailsSchema = z.record(z.string(), z.unknown())

/** Append-only: a trigger (migration 0002) rejects UPDATE and DELETE. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Slack user id, or "system" for the bot's own transitions. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    incidentId: uuid('incident_id'),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    details: jsonb('details').$type<z.infer<typeof auditDetailsSchema>>().notNull().default({}),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
  },
  (t) => [index('audit_log_incident_idx').on(t.incidentId, t.at), index('audit_log_slack_message_idx').on(t.slackChannel, t.slackTs)],
)

/** Slack messages already posted under a stable key, so a retried job never posts twice. */
export const slackMessages = pgTable('slack_messages', {
  key: text('key').primaryKey(),
  channel: text('channel').notNull(),
  ts: text('ts').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})
