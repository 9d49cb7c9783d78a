import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../src/core/telemetry/port'
import { GcpApiError, GcpRateLimitedError } from '../../../src/integrations/gcp/gcp-errors'
import { RedisTokenBucket } from '../../../src/integrations/gcp/quota/redis-token-bucket'
import type { RetryEnvironment } from '../../../src/integrations/gcp/quota/retry-with-backoff'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildLogEntry, buildSeries } from '../../fakes/gcp/fake-data-builders'
import { GENEROUS_LIMITS, useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'
import { TEST_REDIS_URL } from '../../support/services'

const MINUTE = 60_000
const NOW = Date.parse('2026-05-14T10:00:00Z')
const window = { start: new Date(NOW - 20 * MINUTE), end: new Date(NOW) }
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')

describe('backoff on quota and overload answers', () => {
  let redis: Redis
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL)
  })
  afterAll(async () => {
    await redis.quit()
  })
  const gcp = useFakeGcp({
    harness: { catalog, telemetry: { now: () => NOW } },
    started(fake) {
      fake.monitoring.series = [buildSeries({ resourceLabels: { container_name: 'payment-api', namespace_name: 'payments' } })]
      fake.logging.entries = [
        buildLogEntry({
          resource: { type: 'k8s_container', labels: { container_name: 'payment-api', namespace_name: 'payments' } },
          timestampMs: NOW - MINUTE,
        }),
      ]
      fake.errorReporting.now = () => NOW
    },
  })

  /** Backoff waits are recorded (the API's delays are kept short); jitter is fixed at half. */
  function telemetry() {
    const slept: number[] = []
    const env: RetryEnvironment = {
      now: Date.now,
      random: () => 0.5,
      sleep: async (ms) => {
        slept.push(ms)
        await new Promise((r) => setTimeout(r, ms))
      },
    }
    const h = gcp.harness({ gate: { env } })
    return { telemetry: h.telemetry, keyPrefix: h.keyPrefix, slept }
  }

  it('retries RESOURCE_EXHAUSTED over gRPC after the delay in RetryInfo, and holds every worker off meanwhile', async () => {
    const { telemetry: t, keyPrefix, slept } = telemetry()
    gcp.fake.monitoring.controls.failNext({ status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for quota metric Time series queries', retryDelayMs: 300 })
    const [seconds, micros] = await redis.time()
    const series = await t.metrics({ service: 'payment-api', metric: 'latency_p95_ms', ...window })
    expect(series.points.length).toBeGreaterThan(0)
    expect(gcp.fake.monitoring.controls.callsTo('ListTimeSeries')).toHaveLength(2)
    expect(slept).toEqual([300 + 0.5 * 200])
    expect(t.apiStats().monitoring).toMatchObject({ calls: 2, retries: 1, refusedByApi: 1 })
    // The pause is in the shared bucket, so every worker of the deployment waits it out, not only this one.
    const pausedUntil = Number(await redis.hget(`${keyPrefix}:bucket:monitoring`, 'paused_until'))
    expect(pausedUntil - (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000))).toBeGreaterThanOrEqual(300)
  })

  it('makes other workers wait for a pause the API asked for', async () => {
    const { keyPrefix } = telemetry()
    const worker = new RedisTokenBucket(redis, keyPrefix, GENEROUS_LIMITS)
    const otherWorker = new RedisTokenBucket(redis, keyPrefix, GENEROUS_LIMITS)
    await worker.pause('logging', 5_000)
    const refused = await otherWorker.take('logging', 1_000).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(GcpRateLimitedError)
    expect((refused as GcpRateLimitedError).details!.waitMs).toBeGreaterThan(1_000)
    await expect(otherWorker.take('monitoring', 0)).resolves.toBe(0)
  })

  it('retries a 429 over REST, honouring RetryInfo', async () => {
    const { telemetry: t, slept } = telemetry()
    gcp.fake.errorReporting.controls.failNext({ status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded', retryDelayMs: 250 })
    await t.errors({ service: 'payment-api', ...window, start: new Date(NOW - 5 * MINUTE) })
    expect(gcp.fake.errorReporting.controls.calls).toHaveLength(2)
    expect(slept).toEqual([250 + 0.5 * 200])
  })

  it('retries UNAVAILABLE and 503 with full-jitter exponential delays', async () => {
    const { telemetry: t, slept } = telemetry()
    gcp.fake.logging.controls.failNext({ status: 'UNAVAILABLE', message: 'The service is currently unavailable.' }, 2)
    gcp.fake.trace.controls.failNext({ status: 'UNAVAILABLE', message: 'Service Unavailable' })
    await t.logs({ service: 'payment-api', ...window })
    await t.traces({ service: 'payment-api', ...window })
    expect(gcp.fake.logging.controls.calls).toHaveLength(3)
    expect(gcp.fake.trace.controls.calls).toHaveLength(2)
    expect(slept).toEqual([0.5 * 200, 0.5 * 400, 0.5 * 200])
  })

  it('gives up after four attempts with an error that says the quota is exhausted', async () => {
    const { telemetry: t } = telemetry()
    gcp.fake.logging.controls.failNext({ status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for quota metric Read requests' }, 10)
    const err = await t.logs({ service: 'payment-api', ...window }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GcpApiError)
    expect((err as GcpApiError).code).toBe('gcp_quota_exhausted')
    expect((err as Error).message).toBe('Cloud Logging: RESOURCE_EXHAUSTED: Quota exceeded for quota metric Read requests')
    expect(gcp.fake.logging.controls.calls).toHaveLength(4)
  })

  it('does not retry what retrying cannot fix', async () => {
    const { telemetry: t, slept } = telemetry()
    gcp.fake.logging.controls.failNext({ status: 'PERMISSION_DENIED', message: "Permission 'logging.logEntries.list' denied" })
    const denied = await t.logs({ service: 'payment-api', ...window }).catch((e: unknown) => e)
    expect((denied as GcpApiError).code).toBe('gcp_permission_denied')
    gcp.fake.monitoring.controls.failNext({ status: 'INVALID_ARGUMENT', message: 'Field aggregation.alignmentPeriod had an invalid value' })
    await expect(t.metrics({ service: 'payment-api', metric: 'latency_p95_ms', ...window })).rejects.toBeInstanceOf(TelemetryQueryError)
    expect(gcp.fake.logging.controls.calls).toHaveLength(1)
    expect(gcp.fake.monitoring.controls.calls).toHaveLength(1)
    expect(slept).toEqual([])
  })
})
