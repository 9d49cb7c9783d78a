import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import type { JobName } from '../../src/core/jobs/job-queue'
import { createLogger } from '../../src/logger'
import { BullmqJobQueue } from '../../src/workers/bullmq-queue'
import { queueNameFor } from '../../src/workers/jobs'
import {
  applySchedules,
  HISTORY_PRUNE_SCHEDULER_ID,
  keepSchedulesApplied,
  REQUEUE_MISSED_SCHEDULER_ID,
  SCHEDULES_REASSERT_EVERY_MS,
} from '../../src/workers/start-background-jobs'
import { BLUEPRINT_REFRESH_SCHEDULER_ID } from '../../src/workers/blueprint-refresh-schedule'
import { DIGEST_SCHEDULER_ID } from '../../src/workers/digest-schedule'
import { TELEMETRY_SCAN_SCHEDULER_ID } from '../../src/workers/telemetry-scan-schedule'
import { eventually } from '../support/eventually'
import { TEST_REDIS_URL } from '../support/services'

const logger = createLogger('silent')
const config = {
  TELEMETRY_SCAN_INTERVAL_MINUTES: 5,
  TELEMETRY_PROVIDER: 'synthetic' as const,
  TELEMETRY_WARNING_CHANNEL: undefined,
  INCIDENT_CHANNEL: 'C0INCIDENTS',
  LOG_TEMPLATE_RETENTION_DAYS: 30,
  BLUEPRINT_INTERVAL_MINUTES: 60,
  DIGEST_CRON: '0 9 * * 1',
  DIGEST_TIMEZONE: 'Europe/Paris',
  DIGEST_CHANNEL: undefined,
}
const SCHEDULED: Array<[JobName, string]> = [
  ['telemetry.scan', TELEMETRY_SCAN_SCHEDULER_ID],
  ['history.prune', HISTORY_PRUNE_SCHEDULER_ID],
  ['incident.requeue-missed', REQUEUE_MISSED_SCHEDULER_ID],
  ['blueprint.refresh', BLUEPRINT_REFRESH_SCHEDULER_ID],
  ['digest.post', DIGEST_SCHEDULER_ID],
]

describe('job schedules survive a Redis that lost its data (real BullMQ)', () => {
  const prefix = `test-schedules-${randomBytes(4).toString('hex')}`
  const queue = new BullmqJobQueue(TEST_REDIS_URL, prefix)

  afterEach(() => {
    vi.useRealTimers()
  })

  afterAll(async () => {
    for (const [name] of SCHEDULED) await withQueue(name, (q) => q.obliterate({ force: true }))
    await queue.close()
  })

  async function withQueue<T>(name: JobName, use: (q: Queue) => Promise<T>): Promise<T> {
    const q = new Queue(queueNameFor(name), { connection: { url: TEST_REDIS_URL }, prefix })
    try {
      return await use(q)
    } finally {
      await q.close()
    }
  }

  const schedulerIds = async () => {
    const ids: string[] = []
    for (const [name] of SCHEDULED) ids.push(...(await withQueue(name, async (q) => (await q.getJobSchedulers()).map((s) => s.key))))
    return ids.sort()
  }

  it('a worker upserts them again on its timer after they were wiped', async () => {
    await applySchedules(queue, config, logger)
    const all = SCHEDULED.map(([, id]) => id).sort()
    expect(await schedulerIds()).toEqual(all)
    // The digest runs on a cron pattern read in its time zone, not on an interval.
    const [digest] = await withQueue('digest.post', (q) => q.getJobSchedulers())
    expect(digest).toMatchObject({ key: DIGEST_SCHEDULER_ID, pattern: '0 9 * * 1', tz: 'Europe/Paris' })

    // Only setInterval is faked: ioredis and BullMQ keep their real timeouts.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const stop = keepSchedulesApplied(queue, config, logger)
    try {
      // What a Redis restart without persistence leaves: no schedulers, no jobs.
      for (const [name] of SCHEDULED) await withQueue(name, (q) => q.obliterate({ force: true }))
      expect(await schedulerIds()).toEqual([])

      vi.advanceTimersByTime(SCHEDULES_REASSERT_EVERY_MS)
      expect(await eventually(async () => (await schedulerIds()).length === all.length && schedulerIds())).toEqual(all)
    } finally {
      stop()
    }
  })
})
