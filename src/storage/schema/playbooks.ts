import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { incidents } from './incidents'

export interface ExecutionInputs {
  service: string
  /** What the remediation acts on: the slow dependency, the saturated database, ... */
  target: string
  incident: { number: number; title: string }
  confidence: number | null
  rationale: string
  [key: string]: unknown
}

export const playbooks = pgTable('playbooks', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  version: integer('version').notNull(),
  /** The validated playbook document. */
  definition: jsonb('definition').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

export const playbookExecutions = pgTable(
  'playbook_executions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    playbookId: text('playbook_id').notNull().references(() => playbooks.id),
    playbookVersion: integer('playbook_version').notNull(),
    /** The definition as it was when the run started, so edits do not change a run in flight. */
    definition: jsonb('definition').notNull(),
    incidentId: uuid('incident_id').notNull().references(() => incidents.id),
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
    executionId: uuid('execution_id').notNull().references(() => playbookExecutions.id),
    position: integer('position').notNull(),
    stepId: text('step_id').notNull(),
    kind: text('kind').notNull(),
    status: text('status', { enum: ['succeeded', 'failed', 'skipped', 'waiting'] }).notNull(),
    /** For actions: the key the side effect ran under, so a resumed run never repeats it. */
    idempotencyKey: text('idempotency_key'),
    outcome: jsonb('outcome').notNull().default({}),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [unique('execution_steps_position_uq').on(t.executionId, t.position)],
)
