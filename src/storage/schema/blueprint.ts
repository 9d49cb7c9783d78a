import { check, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'

/** The service blueprint: one row per dependency `from_service` → `to_service`, kept after it is retired. */
export const blueprintEdges = pgTable(
  'blueprint_edges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fromService: text('from_service').notNull(),
    toService: text('to_service').notNull(),
    kind: text('kind', { enum: ['call', 'db', 'messaging'] }).notNull(),
    source: text('source', { enum: ['observed', 'declared', 'both'] }).notNull(),
    firstSeen: timestamp('first_seen', { withTimezone: true }),
    lastSeen: timestamp('last_seen', { withTimezone: true }),
    callsPerHour: doublePrecision('calls_per_hour'),
    errorRate: doublePrecision('error_rate'),
    p95Ms: doublePrecision('p95_ms'),
    version: integer('version').notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('blueprint_edges_pair_idx').on(t.fromService, t.toService),
    check('blueprint_edges_kind_check', sql`${t.kind} in ('call', 'db', 'messaging')`),
    check('blueprint_edges_source_check', sql`${t.source} in ('observed', 'declared', 'both')`),
  ],
)

/** Every version of every edge, with the refresh that wrote it: the blueprint's history, and what a retried refresh announces. */
export const blueprintEdgeVersions = pgTable(
  'blueprint_edge_versions',
  {
    edgeId: uuid('edge_id')
      .notNull()
      .references(() => blueprintEdges.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** The job id of the refresh. */
    runId: text('run_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** The edge as that version stored it. */
    edge: jsonb('edge').$type<Record<string, unknown>>().notNull(),
    /** The notice this version gave (a BlueprintChange without its edge), or null when it was not news. */
    change: jsonb('change').$type<Record<string, unknown> | null>(),
  },
  (t) => [uniqueIndex('blueprint_edge_versions_pk').on(t.edgeId, t.version), index('blueprint_edge_versions_run_idx').on(t.runId)],
)
