import { index, integer, jsonb, pgTable, real, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import { incidents } from './incidents'

/** Hypotheses a reasoning step ruled out, each with why. */
export const discardedHypothesesSchema = z.array(z.object({ hypothesis: z.string(), reason: z.string() }))
/** The figures behind one evidence item (ids, counts, scores), shown by /sre trail. */
export const evidenceDataSchema = z.record(z.string(), z.unknown())

export const analyses = pgTable(
  'analyses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    status: text('status', { enum: ['running', 'completed', 'failed'] })
      .notNull()
      .default('running'),
    hypothesis: text('hypothesis'),
    confidence: real('confidence'),
    playbookId: text('playbook_id'),
    summary: text('summary'),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('analyses_incident_idx').on(t.incidentId)],
)

/** One reasoning step: the question asked, the data used, what was decided and what was ruled out. */
export const analysisSteps = pgTable(
  'analysis_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    analysisId: uuid('analysis_id')
      .notNull()
      .references(() => analyses.id),
    position: integer('position').notNull(),
    question: text('question').notNull(),
    query: text('query').notNull(),
    decision: text('decision').notNull(),
    discarded: jsonb('discarded').$type<z.infer<typeof discardedHypothesesSchema>>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('analysis_steps_position_uq').on(t.analysisId, t.position)],
)

export const evidenceItems = pgTable(
  'evidence_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    analysisId: uuid('analysis_id')
      .notNull()
      .references(() => analyses.id),
    stepPosition: integer('step_position').notNull(),
    source: text('source', { enum: ['history', 'metrics', 'logs', 'errors', 'traces'] }).notNull(),
    title: text('title').notNull(),
    detail: text('detail').notNull(),
    /** Deep link to the Cloud console (or the past incident). */
    link: text('link'),
    anomalous: integer('anomalous').notNull().default(0),
    data: jsonb('data').$type<z.infer<typeof evidenceDataSchema>>().notNull().default({}),
  },
  (t) => [index('evidence_items_analysis_idx').on(t.analysisId)],
)

export const confidenceFactors = pgTable(
  'confidence_factors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    analysisId: uuid('analysis_id')
      .notNull()
      .references(() => analyses.id),
    name: text('name').notNull(),
    value: real('value').notNull(),
    weight: real('weight').notNull(),
    explanation: text('explanation').notNull(),
  },
  (t) => [unique('confidence_factors_name_uq').on(t.analysisId, t.name)],
)
