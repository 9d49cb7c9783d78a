import type { Config } from '../config'
import type { JobQueue } from '../core/jobs/job-queue'
import type { Logger } from '../logger'

/** One schedule per deployment: BullMQ keeps one job scheduler per id, however many workers upsert it. */
export const DIGEST_SCHEDULER_ID = 'digest-weekly'

type DigestScheduleConfig = Pick<Config, 'DIGEST_CRON' | 'DIGEST_TIMEZONE' | 'DIGEST_CHANNEL' | 'INCIDENT_CHANNEL'>

/** Starts the weekly digest on DIGEST_CRON in DIGEST_TIMEZONE, or stops it when the cron is off or no channel is set. */
export async function applyDigestSchedule(queue: JobQueue, config: DigestScheduleConfig, logger: Logger): Promise<boolean> {
  const channel = config.DIGEST_CHANNEL ?? config.INCIDENT_CHANNEL
  if (config.DIGEST_CRON === 'off' || channel === undefined) {
    await queue.unschedule(DIGEST_SCHEDULER_ID, 'digest.post')
    logger.info({ cron: config.DIGEST_CRON, channel: channel ?? null }, 'weekly digest off')
    return false
  }
  // No period in the payload: each run covers the 7 whole days before the day it runs.
  await queue.schedule(DIGEST_SCHEDULER_ID, 'digest.post', {}, { cron: config.DIGEST_CRON, timeZone: config.DIGEST_TIMEZONE })
  logger.info({ cron: config.DIGEST_CRON, timeZone: config.DIGEST_TIMEZONE, channel }, 'weekly digest scheduled')
  return true
}
