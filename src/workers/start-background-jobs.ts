import type { Config } from '../config'
import { HOUR_MS } from '../core/durations'
import type { Logger } from '../logger'
import { jobIdFor, type JobQueue } from '../core/jobs/job-queue'
import { enqueueReembedHistory } from './processors/history-reembed'
import { applyTelemetryScanSchedule } from './telemetry-scan-schedule'

/** One schedule per deployment, however many processes upsert it. */
export const HISTORY_PRUNE_SCHEDULER_ID = 'history-prune'
export const HISTORY_PRUNE_EVERY_MS = HOUR_MS

type BackgroundConfig = Parameters<typeof applyTelemetryScanSchedule>[1] & Pick<Config, 'LOG_TEMPLATE_RETENTION_DAYS'>

/**
 * What a process that runs jobs sets going at start: the proactive telemetry scan, the hourly prune
 * of log statistics, and the re-embedding of history stored by another model than the running one.
 */
export async function startBackgroundJobs(queue: JobQueue, config: BackgroundConfig, logger: Logger, embeddingModel: string, now: Date): Promise<void> {
  await applyTelemetryScanSchedule(queue, config, logger)
  await queue.schedule(HISTORY_PRUNE_SCHEDULER_ID, 'history.prune', {}, { everyMs: HISTORY_PRUNE_EVERY_MS })
  // Once at start as well, so a process restarted more often than hourly still prunes; replicas starting in the same hour prune once.
  await queue.enqueue('history.prune', {}, { jobId: jobIdFor('history-prune-start', Math.floor(now.getTime() / HISTORY_PRUNE_EVERY_MS)) })
  // History embedded by another model is invisible to vector search until re-embedded.
  await enqueueReembedHistory(queue, embeddingModel)
}
