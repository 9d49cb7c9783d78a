import { HashingEmbedder } from '../../src/core/correlation/hashing-embedder'
import { incidentEmbeddingText } from '../../src/core/correlation/embedder'
import type { Database } from '../../src/storage/database'
import { createIncident, type Incident, type NewIncident } from '../../src/storage/repositories/incidents'

const embedder = new HashingEmbedder()

/** A resolved past incident with its embedding, built from a few overrides. */
export async function createPastIncident(db: Database, overrides: Partial<NewIncident> & { title: string }): Promise<Incident> {
  const values: NewIncident = {
    fingerprint: `past:${Math.random().toString(36).slice(2)}`,
    source: 'generic',
    status: 'resolved',
    severity: 'high',
    startedAt: new Date(Date.now() - 30 * 24 * 3600_000),
    resolvedAt: new Date(Date.now() - 30 * 24 * 3600_000 + 3600_000),
    resolutionOutcome: 'worked',
    ...overrides,
  }
  const [embedding] = await embedder.embed([incidentEmbeddingText({ ...values, summary: values.summary ?? '' })])
  return createIncident(db, { ...values, embedding: embedding! })
}
