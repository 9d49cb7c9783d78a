import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { Digest } from '../../core/digest/compute-digest'

/**
 * A trend digest as posted: its period and message, the charts uploaded in its thread, and its figures,
 * so App Home can show the latest without computing them again. One row per period and channel (`key`).
 */
export const digests = pgTable(
  'digests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** digest:<channel>:<since>:<until>, the key its message was posted under. */
    key: text('key').notNull().unique(),
    since: timestamp('since', { withTimezone: true }).notNull(),
    until: timestamp('until', { withTimezone: true }).notNull(),
    timeZone: text('time_zone').notNull(),
    channel: text('channel').notNull(),
    ts: text('ts').notNull(),
    figures: jsonb('figures').$type<Digest>().notNull(),
    /** Slack file ids of the charts uploaded in the digest's thread, in DIGEST_CHART_NAMES order. */
    fileIds: jsonb('file_ids').$type<string[]>().notNull().default([]),
    /** Set once the charts are uploaded, so a retried job does not upload them again. */
    chartsUploadedAt: timestamp('charts_uploaded_at', { withTimezone: true }),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('digests_posted_idx').on(t.postedAt)],
)
