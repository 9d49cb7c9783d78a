import type { Config } from '../config'
import { MINUTE_MS } from '../core/durations'
import type { Logger } from '../logger'
import type { JobQueue } from '../core/jobs/job-queue'

/** One schedule per deployment: BullMQ keeps one job scheduler per id, however many workers upsert it. */
export const TELEMETRY_SCAN_SCHEDULER_ID = 'telemetry-scan'

type ScanConfig = Pick<Config, 'TELEMETRY_SCAN_INTERVAL_MINUTES' | 'TELEMETRY_PROVIDER' | 'TELEMETRY_WARNING_CHANNEL' | 'INCIDENT_CHANNEL'>

/**
 * Starts the proactive telemetry scan, or stops it when it is off (interval 0, no telemetry, or
 * no channel to warn in), so turning it off in one replica's settings takes effect.
 */
export async function applyTelemetryScanSchedule(queue: JobQueue, config: ScanConfig, logger: Logger): Promise<boolean> {
  const channel = config.TELEMETRY_WARNING_CHANNEL ?? config.INCIDENT_CHANNEL
  const on = config.TELEMETRY_SCAN_INTERVAL_MINUTES > 0 && config.TELEMETRY_PROVIDER !== 'none' && channel !== undefined
  if (!on) {
    await queue.unschedule(TELEMETRY_SCAN_SCHEDULER_ID, 'telemetry.scan')
    logger.info({ interval: config.TELEMETRY_SCAN_INTERVAL_MINUTES, provider: config.TELEMETRY_PROVIDER, channel: channel ?? null }, 'telemetry scan off')
    return false
  }
  await queue.schedule(TELEMETRY_SCAN_SCHEDULER_ID, 'telemetry.scan', {}, { everyMs: config.TELEMETRY_SCAN_INTERVAL_MINUTES * MINUTE_MS })
  logger.info({ everyMinutes: config.TELEMETRY_SCAN_INTERVAL_MINUTES, channel }, 'telemetry scan scheduled')
  return true
}
