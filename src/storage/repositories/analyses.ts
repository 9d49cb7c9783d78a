import { asc, desc, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm'
import { z } from 'zod'
import type { PastIncidentMatch } from '../../core/correlation/past-incident-match'
import type { ReasoningStep } from '../../core/reasoning/reasoning-step'
import type { Database } from '../database'
import { parseStoredColumn } from '../parse-stored-column'
import { preparedQuery } from '../prepared-query'
import { writeTogether } from '../write-together'
import {
  analyses,
  analysisConfidence,
  analysisSteps,
  confidenceCalibrations,
  confidenceFactors,
  discardedHypothesesSchema,
  evidenceDataSchema,
  evidenceItems,
  incidents,
} from '../schema'

export type Analysis = typeof analyses.$inferSelect
export type AnalysisStepRow = typeof analysisSteps.$inferSelect
export type EvidenceItemRow = typeof evidenceItems.$inferSelect
export type ConfidenceFactorRow = typeof confidenceFactors.$inferSelect

export interface AnalysisRecord {
  analysis: Analysis
  steps: AnalysisStepRow[]
  evidence: EvidenceItemRow[]
  factors: ConfidenceFactorRow[]
}

export async function getLatestAnalysis(db: Database, incidentId: string): Promise<Analysis | null> {
  const query = preparedQuery(db, 'latest_analysis', (d) =>
    d
      .select()
      .from(analyses)
      .where(eq(analyses.incidentId, sql.placeholder('incidentId')))
      .orderBy(desc(analyses.startedAt))
      .limit(1),
  )
  const [row] = await query.execute({ incidentId })
  return row ?? null
}

export async function startAnalysis(db: Database, incidentId: string): Promise<Analysis> {
  const [row] = await db.insert(analyses).values({ incidentId }).returning()
  return row!
}

/**
 * Stores a finished analysis with its whole trail in one transaction: all of it, or none. `replacing`: the analysis
 * was resumed from an attempt that may have stored part of a trail (a fresh one has none to delete).
 */
export async function completeAnalysis(
  db: Database,
  analysisId: string,
  options: { replacing: boolean },
  result: {
    hypothesis: string | null
    confidence: number
    playbookId: string | null
    summary: string
    steps: Array<Omit<typeof analysisSteps.$inferInsert, 'analysisId'>>
    evidence: Array<Omit<typeof evidenceItems.$inferInsert, 'analysisId'>>
    factors: Array<Omit<typeof confidenceFactors.$inferInsert, 'analysisId'>>
  },
  /** Other writes that belong with it (its confidence record, its audit entry), in the same statement. */
  alongside: SQLWrapper[] = [],
): Promise<void> {
  // One statement: the trail, the factors and the status are written together or not at all.
  await writeTogether(db, [
    options.replacing && db.delete(analysisSteps).where(eq(analysisSteps.analysisId, analysisId)),
    options.replacing && db.delete(evidenceItems).where(eq(evidenceItems.analysisId, analysisId)),
    options.replacing && db.delete(confidenceFactors).where(eq(confidenceFactors.analysisId, analysisId)),
    result.steps.length > 0 && db.insert(analysisSteps).values(result.steps.map((s) => ({ ...s, analysisId }))),
    result.evidence.length > 0 && db.insert(evidenceItems).values(result.evidence.map((e) => ({ ...e, analysisId }))),
    result.factors.length > 0 && db.insert(confidenceFactors).values(result.factors.map((f) => ({ ...f, analysisId }))),
    db
      .update(analyses)
      .set({
        status: 'completed',
        hypothesis: result.hypothesis,
        confidence: result.confidence,
        playbookId: result.playbookId,
        summary: result.summary,
        completedAt: new Date(),
      })
      .where(eq(analyses.id, analysisId)),
    ...alongside,
  ])
}

export async function failAnalysis(db: Database, analysisId: string, error: string): Promise<void> {
  await db.update(analyses).set({ status: 'failed', error, completedAt: new Date() }).where(eq(analyses.id, analysisId))
}

export async function getAnalysisRecord(db: Database, analysisId: string): Promise<AnalysisRecord | null> {
  const [analysis] = await db.select().from(analyses).where(eq(analyses.id, analysisId))
  if (!analysis) return null
  const [steps, evidence, factors] = await Promise.all([
    db.select().from(analysisSteps).where(eq(analysisSteps.analysisId, analysisId)).orderBy(asc(analysisSteps.position)),
    db.select().from(evidenceItems).where(eq(evidenceItems.analysisId, analysisId)).orderBy(asc(evidenceItems.stepPosition)),
    db.select().from(confidenceFactors).where(eq(confidenceFactors.analysisId, analysisId)),
  ])
  return {
    analysis,
    steps: steps.map((s) => ({
      ...s,
      discarded: parseStoredColumn(discardedHypothesesSchema, s.discarded, { table: 'analysis_steps', rowId: s.id, column: 'discarded' }),
    })),
    evidence: evidence.map((e) => ({ ...e, data: parseStoredColumn(evidenceDataSchema, e.data, { table: 'evidence_items', rowId: e.id, column: 'data' }) })),
    factors,
  }
}

/** The stored trail as the analysis recorded it: each step with the evidence it examined. */
export function storedReasoningSteps(record: AnalysisRecord): ReasoningStep[] {
  return record.steps.map((s) => ({
    position: s.position,
    question: s.question,
    query: s.query,
    decision: s.decision,
    discarded: s.discarded,
    evidence: record.evidence
      .filter((e) => e.stepPosition === s.position)
      .map((e) => ({ source: e.source, title: e.title, detail: e.detail, link: e.link, anomalous: e.anomalous === 1, data: e.data })),
  }))
}

// What the history step stored of each match; matchedOn is missing from analyses stored before it was kept.
const storedMatchSchema = z.object({
  incidentId: z.string(),
  similarity: z.number(),
  outcome: z.enum(['worked', 'partly', 'failed', 'unknown']).nullable().optional(),
  matchedOn: z.array(z.string()).optional(),
})

/** The past incidents the analysis matched, best first, each as it was known then (its outcome at the time of the analysis). */
export async function listStoredSimilarIncidents(db: Database, record: AnalysisRecord): Promise<PastIncidentMatch[]> {
  const stored = record.evidence
    .filter((e) => e.source === 'history')
    .flatMap((e) => {
      const parsed = storedMatchSchema.safeParse(e.data)
      // Older rows carry why it matched only in the detail, before "; resolved by".
      return parsed.success ? [{ ...parsed.data, matchedOn: parsed.data.matchedOn ?? [e.detail.split('; resolved by')[0]!] }] : []
    })
  if (stored.length === 0) return []
  const rows = await db
    .select()
    .from(incidents)
    .where(
      inArray(
        incidents.id,
        stored.map((m) => m.incidentId),
      ),
    )
  const byId = new Map(rows.map((r) => [r.id, r]))
  return stored.flatMap((m) => {
    const i = byId.get(m.incidentId)
    if (!i) return []
    const incident = {
      id: i.id,
      number: i.number,
      title: i.title,
      service: i.service,
      resourceType: i.resourceType,
      policyName: i.policyName,
      startedAt: i.startedAt,
      resolvedAt: i.resolvedAt,
      rootCause: i.rootCause,
      resolution: i.resolution,
      resolutionOutcome: m.outcome ?? null,
      playbookId: i.playbookId,
    }
    return [{ incident, similarity: m.similarity, matchedOn: m.matchedOn }]
  })
}

/** How likely the analysis' best past match was the same problem; null when it found none or is not stored. */
export async function getRetrievalConfidence(db: Database, analysisId: string): Promise<number | null> {
  const [row] = await db.select({ retrieval: analysisConfidence.retrieval }).from(analysisConfidence).where(eq(analysisConfidence.analysisId, analysisId))
  return row?.retrieval ?? null
}

export type AnalysisConfidenceRow = typeof analysisConfidence.$inferInsert
export type CalibrationKind = 'diagnosis' | 'retrieval'
export type StoredCalibration = typeof confidenceCalibrations.$inferSelect

/** Keeps what an analysis' confidence was made of; a re-run replaces it. */
export async function recordAnalysisConfidence(db: Database, row: AnalysisConfidenceRow): Promise<void> {
  await analysisConfidenceWrite(db, row)
}

/** The upsert of recordAnalysisConfidence, unrun, to be written with other writes (writeTogether). */
export function analysisConfidenceWrite(db: Database, row: AnalysisConfidenceRow) {
  return db
    .insert(analysisConfidence)
    .values(row)
    .onConflictDoUpdate({ target: analysisConfidence.analysisId, set: { ...row, createdAt: new Date() } })
}

export async function getLatestCalibration(db: Database, kind: CalibrationKind): Promise<StoredCalibration | null> {
  const [row] = await db
    .select()
    .from(confidenceCalibrations)
    .where(eq(confidenceCalibrations.kind, kind))
    .orderBy(desc(confidenceCalibrations.fittedAt))
    .limit(1)
  return row ?? null
}

export async function saveCalibration(db: Database, row: Omit<typeof confidenceCalibrations.$inferInsert, 'id' | 'fittedAt'>): Promise<StoredCalibration> {
  const [saved] = await db.insert(confidenceCalibrations).values(row).returning()
  return saved!
}

export interface LabelledConfidence {
  /** For diagnosis: the uncalibrated probability (retrieval: 0). */
  raw: number
  /** The factor values the score was computed from. */
  features: number[] | null
  label: 0 | 1
}

// The playbook of the incident's most recently completed execution (SQL fragment of listLabelledConfidence).
const LATEST_COMPLETED_PLAYBOOK = sql.raw(
  "(select e.playbook_id from playbook_executions e where e.incident_id = i.id and e.status = 'completed' order by e.updated_at desc limit 1)",
)

/**
 * Analyses whose outcome is now known, labelled right (1) or wrong (0).
 * The fix that confirms a diagnosis: the playbook recorded on the resolved incident
 * with outcome "worked" (post-incident review), else a run of that playbook that
 * completed on a resolved incident. A run of the suggested playbook rejected by an
 * approver counts as wrong. Retrieval is right when the best match had been fixed
 * with that same confirmed playbook.
 * The team's answers at resolution override both: diagnosis right = 1, wrong = 0, and
 * partly / not sure leave the analysis out (a guessed 0.5 would blur a binary fit);
 * retrieval is right when the incident they named as really the same was the best match.
 */
export async function listLabelledConfidence(db: Database, kind: CalibrationKind): Promise<LabelledConfidence[]> {
  const result = await db.execute(sql`
    with outcomes as (
      select ac.analysis_id, ac.playbook_id, ac.diagnosis_raw, ac.diagnosis_features, ac.top_match_id, ac.top_match_playbook_id, ac.retrieval_features,
        i.diagnosis_label, i.same_incident_id, i.resolution_recorded_at is not null as recorded,
        case
          when i.resolution_outcome = 'worked' and i.playbook_id is not null then i.playbook_id
          when i.status = 'resolved' then ${LATEST_COMPLETED_PLAYBOOK}
        end as confirmed,
        exists (select 1 from playbook_executions e where e.incident_id = i.id and e.playbook_id = ac.playbook_id and e.status = 'rejected') as rejected
      from analysis_confidence ac join incidents i on i.id = ac.incident_id
    )
    select * from outcomes where confirmed is not null or rejected or recorded`)
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>
  const labelled: LabelledConfidence[] = []
  for (const r of rows) {
    const confirmed = (r.confirmed as string | null) ?? null
    if (kind === 'diagnosis') {
      const told = r.diagnosis_label as string | null
      if (told === 'partly' || told === 'not_sure') continue
      const right = told ? told === 'right' : confirmed !== null && confirmed === r.playbook_id && !r.rejected
      labelled.push({
        raw: Number(r.diagnosis_raw),
        features: Array.isArray(r.diagnosis_features) ? (r.diagnosis_features as unknown[]).map(Number) : null,
        label: right ? 1 : 0,
      })
    } else if (r.recorded && r.top_match_id !== null && Array.isArray(r.retrieval_features)) {
      labelled.push({ raw: 0, features: (r.retrieval_features as unknown[]).map(Number), label: r.top_match_id === r.same_incident_id ? 1 : 0 })
    } else if (confirmed !== null && Array.isArray(r.retrieval_features)) {
      labelled.push({ raw: 0, features: (r.retrieval_features as unknown[]).map(Number), label: r.top_match_playbook_id === confirmed ? 1 : 0 })
    }
  }
  return labelled
}
