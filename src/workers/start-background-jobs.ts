import type { Config } from '../config'
import { HOUR_MS, MINUTE_MS } from '../core/durations'
import type { Logger } from '../logger'
import { jobIdFor, type JobQueue } from '../core/jobs/job-queue'
import { enqueueReembedHistory } from './processors/history-reembed'
import { applyBlueprintRefreshSchedule } from './blueprint-refresh-schedule'
import { applyTelemetryScanSchedule } from './telemetry-scan-schedule'
import { applyDigestSchedule } from './digest-schedule'

/** One schedule per deployment, however many processes upsert it. */
export const HISTORY_PRUNE_SCHEDULER_ID = 'history-prune'
export const HISTORY_PRUNE_EVERY_MS = HOUR_MS
export const REQUEUE_MISSED_SCHEDULER_ID = 'incident-requeue-missed'
export const REQUEUE_MISSED_EVERY_MS = MINUTE_MS
export const REMIND_RESOLUTIONS_SCHEDULER_ID = 'incident-remind-resolutions'
export const REMIND_RESOLUTIONS_EVERY_MS = 15 * MINUTE_MS
export const REMIND_FOLLOWUPS_SCHEDULER_ID = 'followup-remind-overdue'
/** Hourly: each overdue action is reminded once a day, soon after midnight UTC. */
export const REMIND_FOLLOWUPS_EVERY_MS = HOUR_MS
/** How often a worker upserts the schedules again: a Redis that lost its data has lost them too. */
export const SCHEDULES_REASSERT_EVERY_MS = 5 * MINUTE_MS

type BackgroundConfig = Parameters<typeof applyTelemetryScanSchedule>[1] &
  Parameters<typeof applyBlueprintRefreshSchedule>[1] &
  Parameters<typeof applyDigestSchedule>[1] &
  Pick<Config, 'LOG_TEMPLATE_RETENTION_DAYS'>

/** Upserts every job schedule; idempotent, so any process may call it any number of times. */
export async function applySchedules(queue: JobQueue, config: BackgroundConfig, logger: Logger): Promise<void> {
  await applyTelemetryScanSchedule(queue, config, logger)
  await applyBlueprintRefreshSchedule(queue, config, logger)
  await applyDigestSchedule(queue, config, logger)
  await queue.schedule(HISTORY_PRUNE_SCHEDULER_ID, 'history.prune', {}, { everyMs: HISTORY_PRUNE_EVERY_MS })
  await queue.schedule(REQUEUE_MISSED_SCHEDULER_ID, 'incident.requeue-missed', {}, { everyMs: REQUEUE_MISSED_EVERY_MS })
  // Always scheduled: with RESOLUTION_REMINDER_HOURS=0 the job finds nothing to do, and turning reminders back on needs no cleanup.
  await queue.schedule(REMIND_RESOLUTIONS_SCHEDULER_ID, 'incident.remind-resolutions', {}, { everyMs: REMIND_RESOLUTIONS_EVERY_MS })
  await queue.schedule(REMIND_FOLLOWUPS_SCHEDULER_ID, 'followup.remind-overdue', {}, { everyMs: REMIND_FOLLOWUPS_EVERY_MS })
}

/**
 * What a process that runs jobs sets going at start: the proactive telemetry scan, the hourly prune
 * of log statistics, the sweep of incidents stored without their job, and the re-embedding of
 * history stored by another model than the running one.
 */
export async function startBackgroundJobs(queue: JobQueue, config: BackgroundConfig, logger: Logger, embeddingModel: string, now: Date): Promise<void> {
  await applySchedules(queue, config, logger)
  // Once at start as well, so a process restarted more often than hourly still prunes; replicas starting in the same hour prune once.
  await queue.enqueue('history.prune', {}, { jobId: jobIdFor('history-prune-start', Math.floor(now.getTime() / HISTORY_PRUNE_EVERY_MS)) })
  // History embedded by another model is invisible to vector search until re-embedded.
  await enqueueReembedHistory(queue, embeddingModel)
}

/** Re-applies the schedules every `everyMs` until stopped; a failure (Redis down) is logged and retried at the next tick. */
export function keepSchedulesApplied(queue: JobQueue, config: BackgroundConfig, logger: Logger, everyMs = SCHEDULES_REASSERT_EVERY_MS): () => void {
  const quiet = logger.child({ component: 'schedules' })
  const timer = setInterval(() => {
    applySchedules(queue, config, quiet).catch((err: unknown) => quiet.warn({ err }, 'could not re-apply the job schedules; retrying later'))
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
