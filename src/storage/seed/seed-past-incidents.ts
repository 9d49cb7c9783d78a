import { HashingEmbedder } from '../../core/correlation/hashing-embedder'
import { incidentEmbeddingText, type Embedder } from '../../core/correlation/embedder'
import type { Database } from '../database'
import { replaceIncidentErrorSightings } from '../repositories/log-templates'
import { incidents } from '../schema'
import { generatePastIncidents, type SeedIncident } from './synthetic-past-incidents'

/**
 * Loads a synthetic history of resolved incidents, with embeddings and the errors their
 * analyses stored, so correlation and "the same error as INC-12" have something to find.
 * Used by the demo, the benchmarks and `sre-agent seed`.
 */
export async function seedPastIncidents(db: Database, options: { count: number; seed: number; now: Date; embedder?: Embedder }): Promise<number> {
  const embedder = options.embedder ?? new HashingEmbedder()
  const past = generatePastIncidents({ seed: options.seed, count: options.count, now: options.now })
  const embeddings = await embedder.embed(past.map((p) => incidentEmbeddingText({ ...p, policyName: p.policyName })))
  const rows = past.map((p, i) => resolvedIncidentRow(p, `seed:${options.seed}:${i}`, embeddings[i]!))
  const ids = new Map<string, string>()
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db
      .insert(incidents)
      .values(rows.slice(i, i + 500))
      .returning({ id: incidents.id, fingerprint: incidents.fingerprint })
    for (const row of inserted) ids.set(row.fingerprint, row.id)
  }
  for (const [i, p] of past.entries()) {
    if (p.errors.length > 0) await replaceIncidentErrorSightings(db, ids.get(rows[i]!.fingerprint)!, p.errors)
  }
  return rows.length
}

/** A synthetic past incident as a row of the incidents table: resolved, with what fixed it and its embedding. */
export function resolvedIncidentRow(p: SeedIncident, fingerprint: string, embedding: number[]) {
  return {
    fingerprint,
    source: 'generic',
    status: 'resolved' as const,
    title: p.title,
    summary: p.summary,
    service: p.service,
    resourceType: p.resourceType,
    policyName: p.policyName,
    severity: p.severity,
    labels: p.labels,
    startedAt: p.startedAt,
    resolvedAt: p.resolvedAt,
    // Its time to resolve, as response-times.ts stores it for an incident resolved live.
    ttrSeconds: Math.round((p.resolvedAt.getTime() - p.startedAt.getTime()) / 1000),
    rootCause: p.rootCause,
    resolution: p.resolution,
    resolutionOutcome: p.resolutionOutcome,
    playbookId: p.playbookId,
    embedding,
  }
}
