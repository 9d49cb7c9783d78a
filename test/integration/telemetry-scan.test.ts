import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { GcpConsoleLinks } from '../../src/integrations/gcp/console-links'
import { SyntheticTelemetry } from '../../src/integrations/telemetry/synthetic'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { createLogger } from '../../src/logger'
import { auditLog } from '../../src/storage/schema'
import { BullmqWorkers } from '../../src/workers/bullmq-queue'
import { queueNameFor } from '../../src/workers/jobs'
import { applyTelemetryScanSchedule, TELEMETRY_SCAN_SCHEDULER_ID } from '../../src/workers/telemetry-scan-schedule'
import { eventually } from '../support/eventually'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'
import { startOnTestServices } from '../support/test-environment'

const logger = createLogger('silent')
const FAULT_AT = new Date('2026-03-10T14:00:00Z')
// Eight minutes into a pool exhaustion of checkout-db: its connections, latency and errors have jumped.
const NOW = new Date(FAULT_AT.getTime() + 8 * 60_000)

/** checkout-db out of connections since FAULT_AT, on a fleet whose charts are in the Cloud console of `demo-project`. */
const fleetWithFault = () =>
  new SyntheticTelemetry({
    seed: 7,
    injections: [{ kind: 'connection-pool-exhaustion', service: 'checkout-db', start: FAULT_AT }],
    links: new GcpConsoleLinks('demo-project'),
  })

describe('the proactive telemetry scan on BullMQ, two worker replicas and the Slack fake', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let second: BullmqWorkers
  let queuePrefix: string
  const warnings = () => env.fakeSlack.messagesIn(FAKE_WORKSPACE.channelId).filter((m) => m.text?.startsWith('Warning: '))

  beforeAll(async () => {
    database = await createTestDatabase()
    queuePrefix = `scan-${randomBytes(4).toString('hex')}`
    env = await startOnTestServices(database, { queuePrefix, telemetry: fleetWithFault(), now: () => NOW })
    second = new BullmqWorkers(TEST_REDIS_URL, queuePrefix, env.runtime.handlers, logger, 8)
    second.start()
    await second.waitUntilReady()
  })
  afterAll(async () => {
    const queue = new Queue(queueNameFor('telemetry.scan'), { connection: { url: TEST_REDIS_URL }, prefix: queuePrefix })
    await queue.obliterate({ force: true }).catch(() => undefined)
    await queue.close()
    await second?.close()
    await env?.stop()
    await database?.drop()
  })

  it('posts one warning across two scans racing on two workers, their retries and the scheduled scan', async () => {
    const queue = new Queue(queueNameFor('telemetry.scan'), { connection: { url: TEST_REDIS_URL }, prefix: queuePrefix })
    try {
      await Promise.all(['race-a', 'race-b'].map((jobId) => env.runtime.queue.enqueue('telemetry.scan', {}, { jobId })))
      await eventually(async () => (await queue.getJobCounts('completed')).completed === 2, { what: 'the two racing scans' })
      // One message for the scan that won, listing every metric of the failure; the other stood aside.
      expect(warnings()).toHaveLength(1)
      const [message] = warnings()
      const blocks = JSON.stringify(message!.blocks)
      expect(blocks).toMatch(/checkout-db db_connections_used_ratio anomalous since 14:0\d UTC, score 1\.00: 9\d% vs \d\d% before/)
      expect(blocks).toContain('https://console.cloud.google.com/monitoring/metrics-explorer?project=demo-project')
      const listed = message!.blocks!.filter((b) => b.type === 'section').length - 1
      expect(listed).toBeGreaterThan(3)

      // Each job retried (as after a crash once it had posted) finishes without posting again.
      for (const jobId of ['race-a', 'race-b']) await env.runtime.handlers['telemetry.scan']({}, { jobId, attempt: 2 })
      // Every replica upserts the schedule at start: one scheduler, whose first scan runs at once (and stands aside too).
      await applyTelemetryScanSchedule(env.runtime.queue, { ...env.runtime.config, TELEMETRY_SCAN_INTERVAL_MINUTES: 5 }, logger)
      await applyTelemetryScanSchedule(env.runtime.queue, { ...env.runtime.config, TELEMETRY_SCAN_INTERVAL_MINUTES: 5 }, logger)
      expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual([TELEMETRY_SCAN_SCHEDULER_ID])
      await eventually(async () => (await queue.getJobCounts('completed')).completed === 3, { what: 'the scheduled scan' })
      await env.idle()

      expect(warnings()).toHaveLength(1)
      const audited = await env.runtime.database.db.select().from(auditLog).where(eq(auditLog.action, 'telemetry.warning'))
      expect(audited).toHaveLength(listed)
      expect(new Set(audited.map((a) => a.subjectId)).size).toBe(listed)
      expect(audited.find((a) => a.subjectId === 'checkout-db:db_connections_used_ratio')).toMatchObject({
        actor: 'system',
        slackChannel: FAKE_WORKSPACE.channelId,
        slackTs: message!.ts,
        details: expect.objectContaining({
          kind: 'anomaly',
          onsetAt: expect.stringMatching(/^2026-03-10T14:0\d/),
          jobId: expect.stringMatching(/^race-[ab]$/),
        }),
      })
    } finally {
      await queue.close()
    }
  })

  it('removes the schedule when the scan is turned off', async () => {
    await applyTelemetryScanSchedule(env.runtime.queue, { ...env.runtime.config, TELEMETRY_SCAN_INTERVAL_MINUTES: 0 }, logger)
    const queue = new Queue(queueNameFor('telemetry.scan'), { connection: { url: TEST_REDIS_URL }, prefix: queuePrefix })
    try {
      expect(await queue.getJobSchedulers()).toEqual([])
    } finally {
      await queue.close()
    }
  })
})

describe('the telemetry scan in embedded mode (PGlite, in-process jobs, claims in memory)', () => {
  let env: EmbeddedEnvironment
  let clock = NOW
  const warnings = () => env.fakeSlack.messagesIn(FAKE_WORKSPACE.channelId).filter((m) => m.text?.startsWith('Warning: '))

  beforeAll(async () => {
    env = await startEmbeddedEnvironment({
      telemetry: fleetWithFault(),
      now: () => clock,
    })
  })
  afterAll(async () => env?.stop())

  it('gives the slots back when the warning cannot be posted, so the next scan warns instead of staying silent', async () => {
    const scan = env.runtime.handlers['telemetry.scan']
    env.fakeSlack.failNext('chat.postMessage', 'channel_not_found')
    await expect(scan({}, { jobId: 'unposted', attempt: 3 })).rejects.toThrow(/channel_not_found/)
    expect(warnings()).toHaveLength(0)
    await scan({}, { jobId: 'first', attempt: 1 })
    expect(warnings()).toHaveLength(1)
  })

  it('does not warn again of an episode still going on once the cooldown is over', async () => {
    const scan = env.runtime.handlers['telemetry.scan']
    await scan({}, { jobId: 'first', attempt: 1 })
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]!.text).toMatch(/^Warning: checkout-\S+ \S+ anomalous since 14:0\d UTC/)
    // An hour and a quarter later the pool is still exhausted: same episodes, same onsets.
    clock = new Date(NOW.getTime() + 75 * 60_000)
    await scan({}, { jobId: 'later', attempt: 1 })
    expect(warnings()).toHaveLength(1)
    const audited = await env.runtime.database.db.select().from(auditLog).where(eq(auditLog.action, 'telemetry.warning'))
    expect(audited.every((a) => (a.details as { jobId: string }).jobId === 'first')).toBe(true)
  })
})
