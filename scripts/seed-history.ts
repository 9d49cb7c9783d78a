import { HashingEmbedder } from '../src/core/correlation/hashing-embedder'
import { incidentEmbeddingText, type Embedder } from '../src/core/correlation/embedder'
import type { Database } from '../src/storage/database'
import { incidents } from '../src/storage/schema'
import { generatePastIncidents } from './synthetic/past-incidents'

/**
 * Loads a synthetic history of resolved incidents, with embeddings, so correlation
 * has something to find. Used by the demo, the benchmarks and `sre-agent seed`.
 */
export async function seedPastIncidents(
  db: Database,
  options: { count: number; seed: number; now: Date; embedder?: Embedder },
): Promise<number> {
  const embedder = options.embedder ?? new HashingEmbedder()
  const past = generatePastIncidents({ seed: options.seed, count: options.count, now: options.now })
  const embeddings = await embedder.embed(past.map((p) => incidentEmbeddingText({ ...p, policyName: p.policyName })))
  const rows = past.map((p, i) => ({
    fingerprint: `seed:${options.seed}:${i}`,
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
    rootCause: p.rootCause,
    resolution: p.resolution,
    resolutionOutcome: p.resolutionOutcome,
    playbookId: p.playbookId,
    embedding: embeddings[i]!,
  }))
  for (let i = 0; i < rows.length; i += 500) await db.insert(incidents).values(rows.slice(i, i + 500))
  return rows.length
}
