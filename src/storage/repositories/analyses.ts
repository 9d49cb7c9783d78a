import { asc, desc, eq } from 'drizzle-orm'
import type { Database } from '../database'
import { analyses, analysisSteps, confidenceFactors, evidenceItems } from '../schema'

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
  const [row] = await db.select().from(analyses).where(eq(analyses.incidentId, incidentId)).orderBy(desc(analyses.startedAt)).limit(1)
  return row ?? null
}

export async function startAnalysis(db: Database, incidentId: string): Promise<Analysis> {
  const [row] = await db.insert(analyses).values({ incidentId }).returning()
  return row!
}

/** Stores a finished analysis with its whole trail in one transaction: all of it, or none. */
export async function completeAnalysis(
  db: Database,
  analysisId: string,
  result: {
    hypothesis: string | null
    confidence: number
    playbookId: string | null
    summary: string
    steps: Array<Omit<typeof analysisSteps.$inferInsert, 'analysisId'>>
    evidence: Array<Omit<typeof evidenceItems.$inferInsert, 'analysisId'>>
    factors: Array<Omit<typeof confidenceFactors.$inferInsert, 'analysisId'>>
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(analysisSteps).where(eq(analysisSteps.analysisId, analysisId))
    await tx.delete(evidenceItems).where(eq(evidenceItems.analysisId, analysisId))
    await tx.delete(confidenceFactors).where(eq(confidenceFactors.analysisId, analysisId))
    if (result.steps.length) await tx.insert(analysisSteps).values(result.steps.map((s) => ({ ...s, analysisId })))
    if (result.evidence.length) await tx.insert(evidenceItems).values(result.evidence.map((e) => ({ ...e, analysisId })))
    if (result.factors.length) await tx.insert(confidenceFactors).values(result.factors.map((f) => ({ ...f, analysisId })))
    await tx
      .update(analyses)
      .set({ status: 'completed', hypothesis: result.hypothesis, confidence: result.confidence, playbookId: result.playbookId, summary: result.summary, completedAt: new Date() })
      .where(eq(analyses.id, analysisId))
  })
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
  return { analysis, steps, evidence, factors }
}
