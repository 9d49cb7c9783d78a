import { sql } from 'drizzle-orm'
import { check, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { incidents } from './incidents'

/** A follow-up action of a post-incident review: who does what by when, until someone marks it done. */
export const followupActions = pgTable(
  'followup_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** Slack user id of who owns it. */
    owner: text('owner').notNull(),
    text: text('text').notNull(),
    /** Calendar day (YYYY-MM-DD) it is due; null when none was given. */
    dueOn: date('due_on', { mode: 'string' }),
    status: text('status', { enum: ['open', 'done'] })
      .notNull()
      .default('open'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedBy: text('closed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** The issue the follow-up webhook created for it (Jira, GitHub), when it answered with one. */
    externalUrl: text('external_url'),
    /** When its owner was last reminded it is overdue: at most once a day. */
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
  },
  (t) => [
    index('followup_actions_incident_idx').on(t.incidentId),
    index('followup_actions_open_due_idx').on(t.dueOn).where(sql`status = 'open'`),
    check('followup_actions_status_check', sql`${t.status} in ('open', 'done')`),
  ],
)
