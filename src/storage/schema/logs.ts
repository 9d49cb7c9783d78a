import { bigint, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { incidents } from './incidents'

/**
 * One log template of one service (the warnings and errors the analyses fetched), mined
 * by `LogTemplateMiner`. The text may generalise later (`user alice` → `user <*>`): the
 * row keeps its id and takes the new text and hash.
 */
export const logTemplates = pgTable(
  'log_templates',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    service: text('service').notNull(),
    /** sha256 of the whole template text (the stored text is cut to 2 KB). */
    templateHash: text('template_hash').notNull(),
    template: text('template').notNull(),
    /** Highest severity seen, as a rank: 2 WARNING, 3 ERROR, 4 CRITICAL. */
    maxSeverity: smallint('max_severity').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('log_templates_service_hash_uq').on(t.service, t.templateHash), index('log_templates_service_last_seen_idx').on(t.service, t.lastSeenAt)],
)

/** Occurrences of a template per 5-minute bucket, as counted from one fetch (re-counts keep the larger). */
export const logTemplateCounts = pgTable(
  'log_template_counts',
  {
    templateId: bigint('template_id', { mode: 'number' })
      .notNull()
      .references(() => logTemplates.id, { onDelete: 'cascade' }),
    bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ name: 'log_template_counts_pk', columns: [t.templateId, t.bucketStart] }), index('log_template_counts_bucket_idx').on(t.bucketStart)],
)

/**
 * The 5-minute buckets of a service whose warnings were fetched whole: the denominator of a
 * template's baseline rate (a bucket without a count row there means zero, elsewhere unknown).
 */
export const logObservedBuckets = pgTable(
  'log_observed_buckets',
  {
    service: text('service').notNull(),
    bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: 'log_observed_buckets_pk', columns: [t.service, t.bucketStart] }), index('log_observed_buckets_bucket_idx').on(t.bucketStart)],
)

/**
 * The errors seen around one incident, one row per error-level template or Error Reporting
 * group: what "the same error as INC-12" is looked up in. Replaced whole when the incident is re-analysed.
 */
export const incidentErrorSightings = pgTable(
  'incident_error_sightings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    service: text('service').notNull(),
    /** The template as mined around this incident, cut to 2 KB. */
    template: text('template').notNull(),
    /** One message as written (first line, control characters blanked, cut to 2 KB): re-mined to match later incidents. */
    example: text('example').notNull(),
    errorGroupId: text('error_group_id'),
    occurrences: integer('occurrences').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('incident_error_sightings_incident_idx').on(t.incidentId), index('incident_error_sightings_service_idx').on(t.service, t.seenAt)],
)
