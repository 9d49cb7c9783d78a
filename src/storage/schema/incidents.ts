import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, vector } from 'drizzle-orm/pg-core'

/** Dimensions of stored incident embeddings; the column is fixed at this size. */
export const EMBEDDING_DIMENSIONS = 768

export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Human-facing number, shown as INC-<number>. */
    number: integer('number').generatedAlwaysAsIdentity().notNull().unique(),
    fingerprint: text('fingerprint').notNull(),
    source: text('source').notNull(),
    status: text('status', { enum: ['open', 'resolved'] }).notNull().default('open'),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    service: text('service'),
    resourceType: text('resource_type'),
    policyName: text('policy_name'),
    severity: text('severity', { enum: ['critical', 'high', 'warning', 'info'] }).notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    url: text('url'),
    alertCount: integer('alert_count').notNull().default(1),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    rootCause: text('root_cause'),
    resolution: text('resolution'),
    resolutionOutcome: text('resolution_outcome', { enum: ['worked', 'failed', 'unknown'] }),
    playbookId: text('playbook_id'),
    embedding: vector('embedding', { dimensions: EMBEDDING_DIMENSIONS }),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One open incident per fingerprint; a resolved one lets the next alert open a new incident.
    uniqueIndex('incidents_open_fingerprint_uq').on(t.fingerprint).where(sql`status = 'open'`),
    index('incidents_embedding_hnsw').using('hnsw', t.embedding.op('vector_cosine_ops')),
    index('incidents_service_started_idx').on(t.service, t.startedAt),
    index('incidents_status_idx').on(t.status),
  ],
)

export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null for a resolve that matched no open incident. */
    incidentId: uuid('incident_id').references(() => incidents.id),
    source: text('source').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: text('status', { enum: ['firing', 'resolved'] }).notNull(),
    /** The body exactly as received, so nothing is lost to normalisation. */
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('alerts_incident_idx').on(t.incidentId)],
)

/** Alert bodies that could not be accepted, kept whole for inspection and replay. */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    route: text('route').notNull(),
    reason: text('reason').notNull(),
    field: text('field'),
    body: text('body').notNull(),
    contentType: text('content_type'),
    remoteAddress: text('remote_address'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dead_letters_received_idx').on(t.receivedAt)],
)
