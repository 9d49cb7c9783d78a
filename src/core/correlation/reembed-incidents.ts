import { errorMessage } from '../errors'
import { incidentEmbeddingText, type Embedder } from './embedder'

/** What an incident's embedding is computed from. */
export interface IncidentToEmbed {
  id: string
  number: number
  title: string
  summary: string
  service: string | null
  resourceType: string | null
  policyName: string | null
}

/** Incidents whose stored embedding is missing or comes from another model, grouped by that model (null: none). */
export interface StaleEmbeddings {
  total: number
  byModel: Array<{ model: string | null; count: number }>
}

/** Where re-embedding reads and writes incidents (Postgres in storage/). */
export interface EmbeddingStore {
  countStale(model: string): Promise<StaleEmbeddings>
  /** Stale incidents in id order after `afterId`: a pass visits each once, even those that fail. */
  listStale(model: string, options: { afterId: string | null; limit: number }): Promise<IncidentToEmbed[]>
  save(model: string, rows: Array<{ id: string; vector: number[] }>): Promise<void>
}

export interface ReembedReport {
  model: string
  /** Stale incidents found when the pass started. */
  before: StaleEmbeddings
  embedded: number
  /** Left for a later pass, with the embedder's reason. */
  failed: Array<{ id: string; number: number; reason: string }>
  /** Stale incidents left when the pass ended (the failures, and any written meanwhile by an older process). */
  remaining: number
  dryRun: boolean
}

export interface ReembedOptions {
  batchSize: number
  dryRun?: boolean
  /** After each batch: progress for the command line or the log. */
  onBatch?(progress: { embedded: number; failed: number; of: number }): void
}

/**
 * Brings every incident's embedding to the running embedder's model, batch by batch, so vector
 * search sees the whole history again after a model or dimension change. Each batch is saved as
 * it is embedded, so a crash loses at most one batch and the next pass continues with what is left.
 * A batch the embedder rejects is retried one incident at a time; an incident that still fails is
 * left as it was, reported, and tried again by the next pass.
 */
export async function reembedIncidents(embedder: Embedder, store: EmbeddingStore, options: ReembedOptions): Promise<ReembedReport> {
  const model = embedder.name
  const before = await store.countStale(model)
  if (options.dryRun || before.total === 0) return { model, before, embedded: 0, failed: [], remaining: before.total, dryRun: Boolean(options.dryRun) }

  let embedded = 0
  const failed: ReembedReport['failed'] = []
  let afterId: string | null = null
  for (;;) {
    const batch = await store.listStale(model, { afterId, limit: options.batchSize })
    if (batch.length === 0) break
    afterId = batch[batch.length - 1]!.id
    const done: Array<{ id: string; vector: number[] }> = []
    try {
      const vectors = await embedder.embed(batch.map((i) => incidentEmbeddingText(i)))
      if (vectors.length !== batch.length) throw new Error(`the embedder returned ${vectors.length} vectors for ${batch.length} texts`)
      batch.forEach((incident, i) => {
        const problem = vectorProblem(vectors[i]!, embedder.dimensions)
        if (problem) failed.push({ id: incident.id, number: incident.number, reason: problem })
        else done.push({ id: incident.id, vector: vectors[i]! })
      })
    } catch {
      // One bad text or a passing outage should not cost the whole batch: one at a time.
      for (const incident of batch) {
        try {
          const [vector] = await embedder.embed([incidentEmbeddingText(incident)])
          const problem = vector ? vectorProblem(vector, embedder.dimensions) : 'no vector returned'
          if (problem) failed.push({ id: incident.id, number: incident.number, reason: problem })
          else done.push({ id: incident.id, vector: vector! })
        } catch (err) {
          failed.push({ id: incident.id, number: incident.number, reason: errorMessage(err) })
        }
      }
    }
    if (done.length) await store.save(model, done)
    embedded += done.length
    options.onBatch?.({ embedded, failed: failed.length, of: before.total })
  }
  const remaining = (await store.countStale(model)).total
  return { model, before, embedded, failed, remaining, dryRun: false }
}

function vectorProblem(vector: number[], dimensions: number): string | null {
  if (vector.length !== dimensions) return `the embedder returned ${vector.length} dimensions, the column holds ${dimensions}`
  if (!vector.every(Number.isFinite)) return 'the embedder returned a vector with non-finite values'
  // A zero vector has no direction: its cosine with anything is undefined.
  if (vector.every((x) => x === 0)) return 'the embedder returned an all-zero vector (no text to embed?)'
  return null
}

/** "1,200 local-hashing, 3 without an embedding": what a pass has to do. */
export function describeStale(stale: StaleEmbeddings): string {
  if (stale.total === 0) return 'none'
  return stale.byModel.map((m) => `${m.count.toLocaleString('en-US')} ${m.model === null ? 'without an embedding' : `from ${m.model}`}`).join(', ')
}
