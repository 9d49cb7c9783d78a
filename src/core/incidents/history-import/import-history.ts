import { incidentEmbeddingText, type Embedder } from '../../correlation/embedder'
import { errorMessage } from '../../errors'
import type { ImportedIncident, ReadRow, RowPlace, RowProblem } from './imported-incident'

/** An incident to write, with its embedding (null when the embedder failed: `sre-agent reembed` catches up). */
export interface ImportedIncidentRow extends ImportedIncident {
  embedding: number[] | null
}

/** Where an import writes (Postgres in storage/). */
export interface HistoryStore {
  /** Which of these external ids an earlier import stored. */
  existingExternalIds(externalIds: string[]): Promise<Set<string>>
  /** Inserts new external ids and updates known ones, in statements of a few hundred rows. */
  upsert(rows: ImportedIncidentRow[], embeddingModel: string): Promise<{ inserted: number; updated: number }>
}

export interface ImportProgress {
  done: number
  of: number
  inserted: number
  updated: number
  elapsedMs: number
}

export interface ImportOptions {
  dryRun?: boolean
  /** Rows embedded and written together. */
  batchSize: number
  /** How many rows a dry run shows as they would be stored. */
  previewRows?: number
  /** After each batch: progress for the command line. */
  onBatch?(progress: ImportProgress): void
  /** Milliseconds since some origin (the command passes performance.now). */
  clock?(): number
}

export interface ImportReport {
  dryRun: boolean
  /** Rows read that hold an incident (after dropping repeated ids). */
  incidents: number
  inserted: number
  updated: number
  /** Rows left out, with their place and reason, in file order. */
  problems: RowProblem[]
  /** Stored without an embedding because the embedder failed on their batch (reembed adds it). */
  unembedded: number
  embedderFailure: string | null
  /** A dry run's first rows as they would be stored. */
  preview: Array<ImportedIncident & { place: RowPlace; existing: boolean }>
  elapsedMs: number
}

/**
 * Loads rows read from a history file: embeds each batch with the running embedder and upserts it by
 * external id, so importing the same file twice updates and never duplicates. Bad rows are reported,
 * never written; the others still load. A dry run reads the store only, to count what would be new.
 */
export async function importHistory(rows: ReadRow[], embedder: Embedder, store: HistoryStore, options: ImportOptions): Promise<ImportReport> {
  const clock = options.clock ?? (() => Date.now())
  const started = clock()
  const problems: RowProblem[] = []
  const good: Array<{ incident: ImportedIncident; place: RowPlace }> = []
  for (const row of rows) {
    if ('problem' in row) problems.push(row.problem)
    else good.push(row)
  }
  const report: ImportReport = {
    dryRun: Boolean(options.dryRun),
    incidents: good.length,
    inserted: 0,
    updated: 0,
    problems,
    unembedded: 0,
    embedderFailure: null,
    preview: [],
    elapsedMs: 0,
  }
  if (options.dryRun) {
    const existing = await store.existingExternalIds(good.map((g) => g.incident.externalId))
    report.updated = good.filter((g) => existing.has(g.incident.externalId)).length
    report.inserted = good.length - report.updated
    report.preview = good.slice(0, options.previewRows ?? 3).map((g) => ({ ...g.incident, place: g.place, existing: existing.has(g.incident.externalId) }))
    report.elapsedMs = clock() - started
    return report
  }
  // The next batch is embedded while the database writes the previous one: the two use different processes.
  let writing: Promise<void> = Promise.resolve()
  for (let i = 0; i < good.length; i += options.batchSize) {
    const batch = good.slice(i, i + options.batchSize).map((g) => g.incident)
    const written = await embedBatch(batch, embedder, report)
    await writing
    const done = i + batch.length
    writing = store.upsert(written, embedder.name).then(({ inserted, updated }) => {
      report.inserted += inserted
      report.updated += updated
      options.onBatch?.({ done, of: good.length, inserted: report.inserted, updated: report.updated, elapsedMs: clock() - started })
    })
    // A failed write is thrown by the await above, after the next batch is embedded; until then it is not "unhandled".
    writing.catch(() => undefined)
  }
  await writing
  report.elapsedMs = clock() - started
  return report
}

async function embedBatch(batch: ImportedIncident[], embedder: Embedder, report: ImportReport): Promise<ImportedIncidentRow[]> {
  let vectors: Array<number[] | null>
  try {
    vectors = await embedder.embed(batch.map((b) => incidentEmbeddingText(b)))
    if (vectors.length !== batch.length) throw new Error(`the embedder returned ${vectors.length} vectors for ${batch.length} texts`)
  } catch (err) {
    // The incidents still load (keywords and structured matches find them); reembed adds the vectors later.
    report.embedderFailure ??= errorMessage(err)
    vectors = batch.map(() => null)
  }
  const written = batch.map((incident, j) => ({ ...incident, embedding: usableVector(vectors[j] ?? null, embedder.dimensions) }))
  report.unembedded += written.filter((w) => w.embedding === null).length
  return written
}

// A vector the column cannot hold or cosine cannot compare is left out rather than stored.
function usableVector(vector: number[] | null, dimensions: number): number[] | null {
  if (!vector || vector.length !== dimensions || !vector.every(Number.isFinite) || vector.every((x) => x === 0)) return null
  return vector
}
