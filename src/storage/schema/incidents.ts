import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { alertLinkSchema, type AlertLink, SEVERITIES } from '../../core/incidents/types'
import {
  type AnyPgColumn,
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  vector,
} from 'drizzle-orm/pg-core'
// Circular on purpose: both sides reference each other only inside lazy `() =>` callbacks.
import { analyses } from './analyses'

/** Dimensions of stored incident embeddings; the column is fixed at this size (smaller models are zero-padded). */
export const EMBEDDING_DIMENSIONS = 768

/**
 * Model of embeddings stored without naming one (rows written before the model was recorded
 * used v1; seeds and helpers that only pass a vector use the local embedder).
 */
export const DEFAULT_EMBEDDING_MODEL = 'local-hashing-v2'

/** The alert's labels (zone, cluster, team, ...), as the ingest schemas accept them. */
export const incidentLabelsSchema = z.record(z.string(), z.string())

/** Links the alert gave (runbook, dashboard, silence), shown on the root message. */
export const incidentLinksSchema = z.array(alertLinkSchema)

/** How the fix worked out; 'unknown' is only written by imports that do not say. */
export const RESOLUTION_OUTCOMES = ['worked', 'partly', 'failed', 'unknown'] as const
/** Whether the bot's diagnosis was right, as the team judged it at resolution. */
export const DIAGNOSIS_LABELS = ['right', 'partly', 'wrong', 'not_sure'] as const
/** Where the response stands, as the team's status updates say (the incident's `status` stays open / resolved). */
export const RESPONSE_STAGES = ['investigating', 'identified', 'monitoring', 'resolved'] as const

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })
// postgres.js reads bytea as a Buffer, PGlite as a Uint8Array: callers always get a Buffer.
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({ dataType: () => 'bytea', fromDriver: (value) => Buffer.from(value) })

export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Human-facing number, shown as INC-<number>. */
    number: integer('number').generatedAlwaysAsIdentity().notNull().unique(),
    fingerprint: text('fingerprint').notNull(),
    source: text('source').notNull(),
    status: text('status', { enum: ['open', 'resolved'] })
      .notNull()
      .default('open'),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    service: text('service'),
    resourceType: text('resource_type'),
    policyName: text('policy_name'),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    labels: jsonb('labels').$type<z.infer<typeof incidentLabelsSchema>>().notNull().default({}),
    url: text('url'),
    links: jsonb('links').$type<AlertLink[]>().notNull().default([]),
    alertCount: integer('alert_count').notNull().default(1),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    rootCause: text('root_cause'),
    /** What made it worse or let it happen besides the root cause, as the team recorded it at resolution. */
    contributingFactors: text('contributing_factors'),
    resolution: text('resolution'),
    resolutionOutcome: text('resolution_outcome', { enum: RESOLUTION_OUTCOMES }),
    /** The team's verdict on the bot's diagnosis, recorded at resolution: the calibration's label where present. */
    diagnosisLabel: text('diagnosis_label', { enum: DIAGNOSIS_LABELS }),
    /** The past incident the team says was really the same problem (a retrieval label). */
    sameIncidentId: uuid('same_incident_id').references((): AnyPgColumn => incidents.id, { onDelete: 'set null' }),
    resolutionRecordedBy: text('resolution_recorded_by'),
    resolutionRecordedAt: timestamp('resolution_recorded_at', { withTimezone: true }),
    playbookId: text('playbook_id'),
    /** Slack user id of the incident commander: whoever declared it, or the first to acknowledge an alert-opened one. */
    commanderId: text('commander_id'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    /** Latest status update's stage. */
    responseStage: text('response_stage', { enum: RESPONSE_STAGES }).notNull().default('investigating'),
    /** When the impact stopped: the first update to `monitoring` (or the resolution, when there was none). */
    mitigatedAt: timestamp('mitigated_at', { withTimezone: true }),
    /** Earliest sign of the problem (an anomaly onset before the alert); null when nothing earlier is known. */
    detectedAt: timestamp('detected_at', { withTimezone: true }),
    /** Times of the response in seconds, computed from the recorded times; null when a time is missing or inconsistent. */
    ttaSeconds: integer('tta_seconds'),
    ttmSeconds: integer('ttm_seconds'),
    ttrSeconds: integer('ttr_seconds'),
    /** The incident's own channel (INCIDENT_CHANNEL_MODE=channel), and the one-line link to it in the main channel. */
    incidentChannelId: text('incident_channel_id'),
    incidentChannelName: text('incident_channel_name'),
    channelLinkTs: text('channel_link_ts'),
    /** When the "what fixed it?" reminder was sent (once) for an incident its alert resolved. */
    resolutionRemindedAt: timestamp('resolution_reminded_at', { withTimezone: true }),
    /** First exception class or error code in the alert text (SQL function of migration 0004). */
    errorSignature: text('error_signature').generatedAlwaysAs(sql`incident_error_signature(coalesce(title, '') || ' ' || coalesce(summary, ''))`),
    /** Full-text document: title (A), service/policy/resource (B), summary (C). */
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(
        sql.raw(
          "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || " +
            "setweight(to_tsvector('english'::regconfig, coalesce(service, '') || ' ' || coalesce(policy_name, '') || ' ' || " +
            "coalesce(resource_type, '')), 'B') || " +
            "setweight(to_tsvector('english'::regconfig, left(coalesce(summary, ''), 20000)), 'C')",
        ),
      ),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    /** Set on an incident of a storm: it is one line in this incident's thread, with no analysis of its own. */
    parentIncidentId: uuid('parent_incident_id').references((): AnyPgColumn => incidents.id, { onDelete: 'set null' }),
    /** Its place in the storm, in order of joining: which list message of the thread shows its line. */
    stormPosition: integer('storm_position'),
    /** How many incidents joined this one's thread as a storm. */
    stormSize: integer('storm_size').notNull().default(0),
    /** How many of them its thread shows: the next redraw starts at the list message holding the one after. */
    stormShown: integer('storm_shown').notNull().default(0),
    createdBy: text('created_by'),
    /** The incident's id in the system it was imported from (Jira key, PagerDuty id, postmortem id): re-imports update it. */
    externalId: text('external_id'),
    /** The postmortem's text as the team wrote it (imports); root cause and resolution are also kept apart. */
    postmortem: text('postmortem'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('incidents_source_external_id_uq').on(t.source, t.externalId).where(sql`external_id is not null`),
    // One open incident per fingerprint; a resolved one lets the next alert open a new incident.
    uniqueIndex('incidents_open_fingerprint_uq').on(t.fingerprint).where(sql`status = 'open'`),
    index('incidents_service_started_idx').on(t.service, t.startedAt),
    index('incidents_policy_started_idx').on(t.policyName, t.startedAt),
    index('incidents_signature_started_idx').on(t.errorSignature, t.startedAt),
    index('incidents_search_gin').using('gin', t.searchVector),
    index('incidents_status_idx').on(t.status),
    index('incidents_storm_position_idx').on(t.parentIncidentId, t.stormPosition).where(sql`parent_incident_id is not null`),
  ],
)

/**
 * Each incident's embedding (migration 0025), apart from incidents so that an update of the incident never enters the
 * vector in the HNSW graph again. Written when the incident is embedded; `startedAt` is kept equal to the incident's by
 * a trigger, so that the nearest-neighbour search filters by time on this table alone.
 */
export const incidentEmbeddings = pgTable(
  'incident_embeddings',
  {
    incidentId: uuid('incident_id')
      .primaryKey()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    /** Which embedder produced `embedding`: vectors of different models are never compared. */
    model: text('model').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    embedding: vector('embedding', { dimensions: EMBEDDING_DIMENSIONS }).notNull(),
  },
  (t) => [index('incident_embeddings_hnsw').using('hnsw', t.embedding.op('vector_cosine_ops'))],
)

/**
 * Document frequency of each lexeme of incidents.search_vector, kept by statement
 * triggers (migration 0006): the IDF of the BM25 ranking without scanning the table.
 */
export const incidentSearchTerms = pgTable('incident_search_terms', {
  term: text('term').primaryKey(),
  documents: integer('documents').notNull(),
})

/** One row: how many incidents, and their total distinct lexemes (for BM25's average length). */
export const incidentSearchTotals = pgTable(
  'incident_search_totals',
  {
    id: smallint('id').primaryKey().default(1),
    documents: bigint('documents', { mode: 'number' }).notNull().default(0),
    lexemes: bigint('lexemes', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('incident_search_totals_one_row', sql`${t.id} = 1`)],
)

/**
 * Each incident's terms per field for BM25F (migration 0017): the identifier-splitting, lightly stemmed tokens of
 * title, description (summary) and resolution, distinct and sorted, with each term's count in each field and the
 * fields' lengths. Kept by statement triggers on incidents (insert, update of those columns; deleted with the incident).
 */
export const incidentFieldTerms = pgTable(
  'incident_field_terms',
  {
    incidentId: uuid('incident_id')
      .primaryKey()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    terms: text('terms').array().notNull(),
    titleTf: smallint('title_tf').array().notNull(),
    descriptionTf: smallint('description_tf').array().notNull(),
    resolutionTf: smallint('resolution_tf').array().notNull(),
    titleLength: integer('title_length').notNull(),
    descriptionLength: integer('description_length').notNull(),
    resolutionLength: integer('resolution_length').notNull(),
    /** The incident's started_at, kept with its terms so that the BM25F pool filters by time without reading incidents. */
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('incident_field_terms_gin').using('gin', t.terms)],
)

/** Document frequency of each term of incident_field_terms, kept by its statement triggers. */
export const incidentFieldTermDocuments = pgTable('incident_field_term_documents', {
  term: text('term').primaryKey(),
  documents: integer('documents').notNull(),
})

/** One row: how many incidents have field terms, and the total length of each field (BM25F's average lengths). */
export const incidentFieldTermTotals = pgTable(
  'incident_field_term_totals',
  {
    id: smallint('id').primaryKey().default(1),
    documents: bigint('documents', { mode: 'number' }).notNull().default(0),
    titleLength: bigint('title_length', { mode: 'number' }).notNull().default(0),
    descriptionLength: bigint('description_length', { mode: 'number' }).notNull().default(0),
    resolutionLength: bigint('resolution_length', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('incident_field_term_totals_one_row', sql`${t.id} = 1`)],
)

/**
 * What one analysis' confidence was made of, kept so that the calibration can be
 * refitted once the incident's outcome says whether the diagnosis was right.
 */
export const analysisConfidence = pgTable(
  'analysis_confidence',
  {
    analysisId: uuid('analysis_id')
      .primaryKey()
      .references(() => analyses.id),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** The playbook the analysis suggested: right if the incident's fix confirms it. */
    playbookId: text('playbook_id'),
    diagnosisFeatures: jsonb('diagnosis_features').$type<number[]>().notNull(),
    diagnosisRaw: real('diagnosis_raw').notNull(),
    diagnosis: real('diagnosis').notNull(),
    /** The best past match and its playbook: right if the incident ends up fixed the same way. */
    topMatchId: uuid('top_match_id').references(() => incidents.id),
    topMatchPlaybookId: text('top_match_playbook_id'),
    retrievalFeatures: jsonb('retrieval_features').$type<number[]>(),
    retrieval: real('retrieval'),
    /** hybrid, or lexical_structured when embeddings were unavailable. */
    retrievalMode: text('retrieval_mode').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('analysis_confidence_incident_idx').on(t.incidentId)],
)

/** A calibration fitted on labelled outcomes; the newest of each kind is used. */
export const confidenceCalibrations = pgTable(
  'confidence_calibrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['diagnosis', 'retrieval'] }).notNull(),
    method: text('method', { enum: ['prior', 'platt', 'isotonic'] }).notNull(),
    samples: integer('samples').notNull(),
    positives: integer('positives').notNull(),
    /** Logistic weights and bias, plus isotonic steps when fitted. */
    model: jsonb('model').notNull(),
    /** Cross-validated on the samples it was fitted from. */
    ece: real('ece'),
    brier: real('brier'),
    fittedAt: timestamp('fitted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('confidence_calibrations_kind_idx').on(t.kind, t.fittedAt)],
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
    /** The delivery that carried the alert: a batch's body is stored once for all of its alerts. */
    bodyId: uuid('body_id')
      .notNull()
      .references(() => alertBodies.id),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('alerts_incident_idx').on(t.incidentId), index('alerts_body_idx').on(t.bodyId)],
)

/** One accepted delivery's body, as parsed (NUL removed, lone surrogates replaced), so nothing is lost to normalisation. */
export const alertBodies = pgTable('alert_bodies', {
  id: uuid('id').primaryKey().defaultRandom(),
  body: jsonb('body').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
})

/** Alert bodies that could not be accepted, kept whole for inspection and replay. */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    route: text('route').notNull(),
    reason: text('reason').notNull(),
    field: text('field'),
    /** The body as text, readable: decoded, NUL removed, invalid UTF-8 replaced. */
    body: text('body').notNull(),
    /** The exact bytes received (still gzip-encoded if they came so), for replay. */
    rawBody: bytea('raw_body'),
    contentType: text('content_type'),
    remoteAddress: text('remote_address'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dead_letters_received_idx').on(t.receivedAt)],
)

/**
 * What happened during an incident that is not an alert, an analysis or an audited action: acknowledgements,
 * role, severity and status changes, messages a responder pinned, deploys found around it. The timeline reads
 * these together with the alerts, analyses and audit log. `dedupeKey` makes a retried write a no-op.
 */
export const incidentEvents = pgTable(
  'incident_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** declared, acknowledged, commander, severity, status_update, pinned_message, deploy, reminder, … */
    kind: text('kind').notNull(),
    /** Slack user id, or a system name (the alert source, the agent). */
    actor: text('actor'),
    text: text('text').notNull(),
    link: text('link'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('incident_events_incident_idx').on(t.incidentId, t.occurredAt),
    uniqueIndex('incident_events_dedupe_uq').on(t.incidentId, t.dedupeKey).where(sql`dedupe_key is not null`),
  ],
)
