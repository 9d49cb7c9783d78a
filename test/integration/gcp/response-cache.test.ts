import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../src/core/telemetry/port'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildLogEntry, buildSeries } from '../../fakes/gcp/fake-data-builders'
import { useFakeGcp, type HarnessOptions } from '../../fakes/gcp/gcp-telemetry-harness'
import { eventually } from '../../support/eventually'
import { TEST_REDIS_URL } from '../../support/services'

const MINUTE = 60_000
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')
const payment = { type: 'k8s_container', labels: { container_name: 'payment-api', namespace_name: 'payments' } }

describe('the Redis response cache', () => {
  let redis: Redis
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL)
  })
  afterAll(async () => {
    await redis.quit()
  })
  const gcp = useFakeGcp({
    harness: { catalog },
    started: (fake) => {
      fake.monitoring.series = [buildSeries({ resourceLabels: payment.labels })]
    },
  })
  /** One worker process of a deployment; workers given the same prefix share cache, locks and buckets. */
  const worker = (keyPrefix?: string, coalescing?: HarnessOptions['coalescing']) => gcp.harness({ keyPrefix, coalescing })
  const now = Date.now()
  const recent = { start: new Date(now - 20 * MINUTE), end: new Date(now) }

  it('answers a repeated request from the cache, and a request moments later in the same minute too', async () => {
    const { telemetry } = worker()
    const first = await telemetry.metrics({
      service: 'payment-api',
      metric: 'latency_p95_ms',
      start: new Date(Date.parse('2026-05-14T09:40:05Z')),
      end: new Date(Date.parse('2026-05-14T10:00:10Z')),
    })
    const again = await telemetry.metrics({
      service: 'payment-api',
      metric: 'latency_p95_ms',
      start: new Date(Date.parse('2026-05-14T09:40:40Z')),
      end: new Date(Date.parse('2026-05-14T10:00:50Z')),
    })
    expect(gcp.fake.monitoring.controls.calls).toHaveLength(1)
    expect(telemetry.apiStats().monitoring).toMatchObject({ requests: 2, fetched: 1, cacheHits: 1, calls: 1 })
    expect(again).toEqual(first)
  })

  it('keeps answers about a settled window for an hour and about the last minutes for a minute', async () => {
    const { telemetry, keyPrefix } = worker()
    await telemetry.metrics({ service: 'payment-api', metric: 'latency_p95_ms', start: new Date(now - 130 * MINUTE), end: new Date(now - 70 * MINUTE) })
    await telemetry.metrics({ service: 'payment-api', metric: 'latency_p95_ms', ...recent })
    const keys = await redis.keys(`${keyPrefix}:cache:data:*`)
    const ttls = (await Promise.all(keys.map((k) => redis.pttl(k)))).sort((a, b) => a - b)
    expect(ttls).toHaveLength(2)
    expect(ttls[0]).toBeGreaterThan(50_000)
    expect(ttls[0]).toBeLessThanOrEqual(60_000)
    expect(ttls[1]).toBeGreaterThan(59 * MINUTE)
  })

  it('stores log lines only after redaction', async () => {
    gcp.fake.logging.entries = [
      buildLogEntry({
        resource: payment,
        timestampMs: now - MINUTE,
        textPayload: 'refund for dave@example.com failed, api_key=AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW',
      }),
    ]
    const { telemetry, keyPrefix } = worker()
    await telemetry.logs({ service: 'payment-api', ...recent })
    const [key] = await redis.keys(`${keyPrefix}:cache:data:logging:*`)
    const stored = (await redis.get(key!))!
    expect(stored).toContain('[redacted-email]')
    expect(stored).not.toContain('dave@example.com')
    expect(stored).not.toContain('AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW')
  })

  it('coalesces identical concurrent requests from several workers into one call', async () => {
    gcp.fake.latencyMs = 150
    const keyPrefix = `test-gcp-${randomBytes(4).toString('hex')}`
    const workers = [worker(keyPrefix), worker(keyPrefix), worker(keyPrefix)]
    const query = { service: 'payment-api', metric: 'latency_p95_ms' as const, ...recent }
    const answers = await Promise.all(workers.flatMap((w) => Array.from({ length: 8 }, () => w.telemetry.metrics(query))))
    expect(gcp.fake.monitoring.controls.calls).toHaveLength(1)
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
    const stats = workers.map((w) => w.telemetry.apiStats().monitoring)
    expect(stats.reduce((n, s) => n + s.fetched, 0)).toBe(1)
    expect(stats.reduce((n, s) => n + s.coalesced + s.cacheHits, 0)).toBe(23)
    expect(stats.filter((s) => s.fetched === 0).every((s) => s.coalesced > 0)).toBe(true)
  })

  it('shares a rejection among the waiting workers instead of asking again', async () => {
    gcp.fake.latencyMs = 100
    const keyPrefix = `test-gcp-${randomBytes(4).toString('hex')}`
    const [a, b] = [worker(keyPrefix), worker(keyPrefix)]
    gcp.fake.monitoring.controls.failNext({ status: 'INVALID_ARGUMENT', message: 'Field filter had an invalid value' })
    const query = { service: 'payment-api', metric: 'latency_p95_ms' as const, ...recent }
    const results = await Promise.allSettled([a.telemetry.metrics(query), b.telemetry.metrics(query), b.telemetry.metrics(query)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TelemetryQueryError)
    await expect(a.telemetry.metrics(query)).rejects.toThrow(/Field filter had an invalid value/)
    expect(gcp.fake.monitoring.controls.calls).toHaveLength(1)
  })

  it('lets another worker take over a request whose worker stopped answering before its lock expired', async () => {
    gcp.fake.latencyMs = 600
    const keyPrefix = `test-gcp-${randomBytes(4).toString('hex')}`
    const shortLocks = { lockMs: 150, queryErrorTtlMs: 60_000, failureTtlMs: 5_000, pollMs: 25 }
    const [stuck, survivor] = [worker(keyPrefix, shortLocks), worker(keyPrefix, shortLocks)]
    const query = { service: 'payment-api', metric: 'latency_p95_ms' as const, ...recent }
    const first = stuck.telemetry.metrics(query)
    await eventually(async () => gcp.fake.monitoring.controls.calls.length === 1)
    const second = await survivor.telemetry.metrics(query)
    await first
    expect(second.points.length).toBeGreaterThan(0)
    expect(gcp.fake.monitoring.controls.calls).toHaveLength(2)
    expect(survivor.telemetry.apiStats().monitoring).toMatchObject({ fetched: 1, coalesced: 0 })
  })
})
