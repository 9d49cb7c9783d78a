import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { z } from 'zod'
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

export const playbooks = pgTable('playbooks', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  version: integer('version').notNull(),
  /** The validated playbook document. */
  definition: jsonb('definition').$type<Playbook>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

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
