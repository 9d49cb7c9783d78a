import { describeStale, reembedIncidents, type ReembedReport } from '../../core/correlation/reembed-incidents'
import { MINUTE_MS } from '../../core/durations'
import { incidentEmbeddingStore } from '../../storage/repositories/incident-embeddings'
import { jobIdFor, type JobData, type JobQueue } from '../../core/jobs/job-queue'
import type { WorkerDeps } from '../worker-deps'

export const REEMBED_BATCH = 100
/** A pass that left failures behind is followed by another this much later, up to MAX_PASSES. */
export const REEMBED_RETRY_MS = 15 * MINUTE_MS
const MAX_PASSES = 5
const LOCK_KEY = 'history.reembed'

/** Enqueued by each worker at start-up: one job per model however many replicas start together. */
export async function enqueueReembedHistory(queue: JobQueue, model: string): Promise<void> {
  await queue.enqueue('history.reembed', {}, { jobId: jobIdFor('reembed', model) })
}

/**
 * Re-embeds incidents whose embedding is missing or from another model than the running
 * embedder's, on one worker at a time (the others return at once). Safe to re-run and to
 * interrupt: each batch is saved as it goes and the next pass starts from what is left.
 * Incidents the embedder failed on are logged and tried again by a later pass.
 */
export async function processHistoryReembed(
  deps: Pick<WorkerDeps, 'db' | 'tryWithLock' | 'embedder' | 'queue' | 'logger'>,
  data: JobData<'history.reembed'>,
): Promise<ReembedReport | null> {
  const log = deps.logger.child({ job: 'history.reembed', model: deps.embedder.name })
  const outcome = await deps.tryWithLock(LOCK_KEY, () =>
    reembedIncidents(deps.embedder, incidentEmbeddingStore(deps.db), {
      batchSize: data.batchSize ?? REEMBED_BATCH,
      onBatch: (p) => log.debug(p, 're-embedding incidents'),
    }),
  )
  if (!outcome.ran) {
    log.info('another worker is re-embedding the history')
    return null
  }
  const report = outcome.value
  if (report.before.total === 0) return report
  log.info({ embedded: report.embedded, before: describeStale(report.before), remaining: report.remaining }, 'history re-embedded')
  if (report.failed.length > 0) {
    const pass = (data.pass ?? 0) + 1
    log.warn(
      { failed: report.failed.slice(0, 20), count: report.failed.length, pass },
      `${report.failed.length} incident(s) could not be embedded; left for a later pass`,
    )
    if (pass < MAX_PASSES)
      await deps.queue.enqueue(
        'history.reembed',
        { ...data, pass },
        { jobId: jobIdFor('reembed', deps.embedder.name, 'pass', pass), delayMs: REEMBED_RETRY_MS },
      )
  }
  return report
}
