import { sql } from 'drizzle-orm'
import { check, doublePrecision, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { MetricKind } from '../../core/telemetry/port'
import { WARNING_KINDS, WARNING_MARKS, WARNING_STATUSES } from '../../core/warnings/proactive-warning'
import { incidents } from './incidents'

/**
 * Every proactive warning the telemetry scan posted, one row per (message, service, metric), and
 * what became of it: confirmed by an incident within its horizon, a false alarm, or still open.
 */
export const proactiveWarnings = pgTable(
  'proactive_warnings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    service: text('service').notNull(),
    metric: text('metric').$type<MetricKind>().notNull(),
    kind: text('kind', { enum: WARNING_KINDS }).notNull(),
    /** When the anomaly began, or when the forecast was made: the horizon counts from here. */
    onsetAt: timestamp('onset_at', { withTimezone: true }).notNull(),
    /** When the scan that posted it ran: lead times count from here. */
    warnedAt: timestamp('warned_at', { withTimezone: true }).notNull(),
    /** A forecast's time left to the limit, and when it said the limit is reached. */
    minutesToFull: doublePrecision('minutes_to_full'),
    fullAt: timestamp('full_at', { withTimezone: true }),
    horizonMinutes: integer('horizon_minutes').notNull(),
    /** The service and its direct callers when it was posted: an incident on any of them confirms it. */
    covers: text('covers').array().notNull(),
    /** The anomaly's median value or the forecast's fitted level, and the level before the anomaly (null for a forecast). */
    level: doublePrecision('level').notNull(),
    baseline: doublePrecision('baseline'),
    summary: text('summary').notNull(),
    slackChannel: text('slack_channel').notNull(),
    slackTs: text('slack_ts').notNull(),
    jobId: text('job_id').notNull(),
    status: text('status', { enum: WARNING_STATUSES }).notNull().default('open'),
    confirmedIncidentId: uuid('confirmed_incident_id').references(() => incidents.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Minutes from the warning to the confirming incident's start (negative: the incident began before the message). */
    leadMinutes: doublePrecision('lead_minutes'),
    /** A responder's verdict from the buttons on the message: the latest click wins. */
    mark: text('mark', { enum: WARNING_MARKS }),
    markedBy: text('marked_by'),
    markedAt: timestamp('marked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A retried scan writes the warnings of its message once.
    uniqueIndex('proactive_warnings_message_metric_uq').on(t.slackChannel, t.slackTs, t.service, t.metric),
    index('proactive_warnings_open_idx').on(t.onsetAt).where(sql`status = 'open'`),
    index('proactive_warnings_warned_idx').on(t.warnedAt),
    index('proactive_warnings_incident_idx').on(t.confirmedIncidentId),
    check('proactive_warnings_kind_check', sql`${t.kind} in ('anomaly', 'saturation')`),
    check('proactive_warnings_status_check', sql`${t.status} in ('open', 'confirmed', 'false_alarm')`),
    check('proactive_warnings_mark_check', sql`${t.mark} is null or ${t.mark} in ('useful', 'not_useful')`),
    check('proactive_warnings_confirmed_check', sql`(${t.status} = 'confirmed') = (${t.leadMinutes} is not null)`),
  ],
)
