import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import { PLAYBOOK_EDIT_KINDS } from '../../core/playbooks/playbook-edit-suggestion'
import type { Playbook } from '../../core/playbooks/schema'
import { incidents } from './incidents'

/** Values the steps' placeholders read; other keys are kept for the templates that name them. */
export const executionInputsSchema = z.looseObject({
  service: z.string(),
  /** What the remediation acts on: the slow dependency, the saturated database, ... */
  target: z.string(),
  incident: z.object({ number: z.number().int(), title: z.string() }),
  confidence: z.number().nullable(),
  rationale: z.string(),
})
export type ExecutionInputs = z.infer<typeof executionInputsSchema>

/** What a finished or waiting step recorded; which keys are set depends on the step's kind. */
export const stepOutcomeSchema = z.looseObject({
  /** query: the assertion held; check: the probe was healthy; branch: the tested step's `passed`. */
  passed: z.boolean().optional(),
  /** query: the measured statistic (null when it was not a finite number). */
  value: z.number().nullable().optional(),
  summary: z.string().optional(),
  /** query: the console view of what it measured. */
  link: z.string().nullable().optional(),
  /** query: why it could not run. */
  error: z.string().optional(),
  /** branch: the step it tested, and the position it jumped to. */
  tested: z.string().optional(),
  goto: z.number().int().optional(),
  /** approval: the decision and who made it; approvalId while it waits. */
  decision: z.enum(['pending', 'approved', 'rejected', 'expired']).optional(),
  by: z.string().nullable().optional(),
  approvalId: z.string().optional(),
  /** action: set before the side effect, so a resumed run knows it may have happened. */
  started: z.boolean().optional(),
  detail: z.string().optional(),
  /** manual: who pressed Done. */
  confirmedBy: z.string().optional(),
})
export type StepOutcome = z.infer<typeof stepOutcomeSchema>

/** A playbook and the version the next runs use (a row of playbook_versions, copied here). */
export const playbooks = pgTable('playbooks', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  version: integer('version').notNull(),
  /** The validated playbook document of the current version. */
  definition: jsonb('definition').$type<Playbook>().notNull(),
  /** Digest of the file as last loaded: an unchanged file leaves an approved edit current. */
  fileDigest: text('file_digest'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

export const PLAYBOOK_VERSION_SOURCES = ['file', 'suggestion', 'revert'] as const
export type PlaybookVersionSource = (typeof PLAYBOOK_VERSION_SOURCES)[number]

/** Every definition a playbook has had, never edited: a file change, an approved edit, a revert. */
export const playbookVersions = pgTable(
  'playbook_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    playbookId: text('playbook_id')
      .notNull()
      .references(() => playbooks.id),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<Playbook>().notNull(),
    source: text('source', { enum: PLAYBOOK_VERSION_SOURCES }).notNull(),
    /** One line: what changed ("loaded from certificate-expiry.yaml", the suggestion's summary, "revert to v2"). */
    summary: text('summary').notNull(),
    /** Who approved an edit or asked for a revert; null for a file. */
    approvedBy: text('approved_by'),
    reason: text('reason'),
    proposalId: uuid('proposal_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('playbook_versions_version_uq').on(t.playbookId, t.version)],
)

export const PLAYBOOK_PROPOSAL_STATUSES = ['pending', 'approved', 'rejected', 'stale'] as const
export type PlaybookProposalStatus = (typeof PLAYBOOK_PROPOSAL_STATUSES)[number]

export const proposalEvidenceSchema = z.array(z.string())

/** An edit the bot proposed to a playbook's owners, decided once. */
export const playbookProposals = pgTable(
  'playbook_proposals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    playbookId: text('playbook_id')
      .notNull()
      .references(() => playbooks.id),
    baseVersion: integer('base_version').notNull(),
    /** The same edit of the same base version is proposed once: a digest of the playbook, base version and edited definition. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    kind: text('kind', { enum: PLAYBOOK_EDIT_KINDS }).notNull(),
    summary: text('summary').notNull(),
    evidence: jsonb('evidence').$type<string[]>().notNull(),
    base: jsonb('base').$type<Playbook>().notNull(),
    edited: jsonb('edited').$type<Playbook>().notNull(),
    status: text('status', { enum: PLAYBOOK_PROPOSAL_STATUSES }).notNull().default('pending'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    /** The version an approval created. */
    resultingVersion: integer('resulting_version'),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('playbook_proposals_playbook_idx').on(t.playbookId)],
)

export const playbookExecutions = pgTable(
  'playbook_executions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    playbookId: text('playbook_id')
      .notNull()
      .references(() => playbooks.id),
    playbookVersion: integer('playbook_version').notNull(),
    /** The definition as it was when the run started, so edits do not change a run in flight. */
    definition: jsonb('definition').$type<Playbook>().notNull(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** Values the steps' placeholders read: service, target, incident, confidence, rationale. */
    inputs: jsonb('inputs').$type<ExecutionInputs>().notNull(),
    status: text('status', { enum: ['running', 'waiting_approval', 'waiting_manual', 'completed', 'failed', 'rejected', 'cancelled'] })
      .notNull()
      .default('running'),
    nextStep: integer('next_step').notNull().default(0),
    startedBy: text('started_by').notNull(),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('playbook_executions_incident_idx').on(t.incidentId)],
)

export const executionSteps = pgTable(
  'execution_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    executionId: uuid('execution_id')
      .notNull()
      .references(() => playbookExecutions.id),
    position: integer('position').notNull(),
    stepId: text('step_id').notNull(),
    kind: text('kind').notNull(),
    status: text('status', { enum: ['succeeded', 'failed', 'skipped', 'waiting'] }).notNull(),
    /** For actions: the key the side effect ran under, so a resumed run never repeats it. */
    idempotencyKey: text('idempotency_key'),
    outcome: jsonb('outcome').$type<StepOutcome>().notNull().default({}),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [unique('execution_steps_position_uq').on(t.executionId, t.position)],
)
