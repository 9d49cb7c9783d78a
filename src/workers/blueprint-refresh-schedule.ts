import type { Config } from '../config'
import { MINUTE_MS } from '../core/durations'
import type { JobQueue } from '../core/jobs/job-queue'
import type { Logger } from '../logger'

/** One schedule per deployment: BullMQ keeps one job scheduler per id, however many workers upsert it. */
export const BLUEPRINT_REFRESH_SCHEDULER_ID = 'blueprint-refresh'

type BlueprintScheduleConfig = Pick<Config, 'BLUEPRINT_INTERVAL_MINUTES' | 'TELEMETRY_PROVIDER'>

/** Starts the blueprint refresh, or stops it when it is off (interval 0, or no telemetry to read traces from). */
export async function applyBlueprintRefreshSchedule(queue: JobQueue, config: BlueprintScheduleConfig, logger: Logger): Promise<boolean> {
  if (config.BLUEPRINT_INTERVAL_MINUTES === 0 || config.TELEMETRY_PROVIDER === 'none') {
    await queue.unschedule(BLUEPRINT_REFRESH_SCHEDULER_ID, 'blueprint.refresh')
    logger.info({ interval: config.BLUEPRINT_INTERVAL_MINUTES, provider: config.TELEMETRY_PROVIDER }, 'blueprint refresh off')
    return false
  }
  await queue.schedule(BLUEPRINT_REFRESH_SCHEDULER_ID, 'blueprint.refresh', {}, { everyMs: config.BLUEPRINT_INTERVAL_MINUTES * MINUTE_MS })
  logger.info({ everyMinutes: config.BLUEPRINT_INTERVAL_MINUTES }, 'blueprint refresh scheduled')
  return true
}
