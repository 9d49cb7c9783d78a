import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GcpApi } from '../../../src/integrations/gcp/gcp-api'
import { GcpRateLimitedError } from '../../../src/integrations/gcp/gcp-errors'
import { RedisTokenBucket, type RateLimit } from '../../../src/integrations/gcp/quota/redis-token-bucket'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildLogEntry } from '../../fakes/gcp/fake-data-builders'
import { deleteKeys, GENEROUS_LIMITS, useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'
import { TEST_REDIS_URL } from '../../support/services'

const MINUTE = 60_000
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')
const limits = (overrides: Partial<Record<GcpApi, RateLimit>>): Record<GcpApi, RateLimit> => ({ ...GENEROUS_LIMITS, ...overrides })

describe('the token bucket shared in Redis', () => {
  let redis: Redis
  const prefixes: string[] = []
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL)
  })
  afterAll(async () => {
    for (const p of prefixes) await deleteKeys(redis, p)
    await redis.quit()
  })
  const prefix = () => {
    const p = `test-bucket-${randomBytes(4).toString('hex')}`
    prefixes.push(p)
    return p
  }

  it('lets a burst through, then refuses at once what it could not serve in time, reserving nothing', async () => {
    const bucket = new RedisTokenBucket(redis, prefix(), limits({ logging: { unitsPerMinute: 60, burst: 3 } }))
    for (let i = 0; i < 3; i++) await expect(bucket.take('logging', 0)).resolves.toBe(0)
    const refused = await bucket.take('logging', 100).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(GcpRateLimitedError)
    expect((refused as GcpRateLimitedError).code).toBe('gcp_rate_limited')
    // 57 units a minute refill: the next unit is a little over a second away.
    expect((refused as GcpRateLimitedError).details!.waitMs).toBeGreaterThan(900)
    expect((refused as GcpRateLimitedError).details!.waitMs).toBeLessThanOrEqual(1_053)
  })

  it('reserves the next slot for a caller willing to wait, and waits for it', async () => {
    const waits: number[] = []
    const bucket = new RedisTokenBucket(redis, prefix(), limits({ logging: { unitsPerMinute: 60, burst: 1 } }), async (ms) => {
      waits.push(ms)
    })
    await bucket.take('logging', 5_000)
    await bucket.take('logging', 5_000)
    await bucket.take('logging', 5_000)
    expect(waits).toHaveLength(2)
    expect(waits[0]).toBeGreaterThan(900)
    expect(waits[1]! - waits[0]!).toBeGreaterThan(900)
  })

  it('is one bucket for every worker of a deployment', async () => {
    const shared = prefix()
    const otherConnection = new Redis(TEST_REDIS_URL)
    const [a, b] = [
      new RedisTokenBucket(redis, shared, limits({ monitoring: { unitsPerMinute: 120, burst: 4 } })),
      new RedisTokenBucket(otherConnection, shared, limits({ monitoring: { unitsPerMinute: 120, burst: 4 } })),
    ]
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take('monitoring', 0)))
    await otherConnection.quit()
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4)
    const separate = new RedisTokenBucket(redis, prefix(), limits({ monitoring: { unitsPerMinute: 120, burst: 4 } }))
    await expect(separate.take('monitoring', 0)).resolves.toBe(0)
  })

  it('counts quota units, not calls, where the API does (ListTraces costs 25)', async () => {
    const bucket = new RedisTokenBucket(redis, prefix(), limits({ trace: { unitsPerMinute: 300, burst: 50 } }))
    await bucket.take('trace', 0, 25)
    await bucket.take('trace', 0, 25)
    await expect(bucket.take('trace', 0, 25)).rejects.toBeInstanceOf(GcpRateLimitedError)
    await expect(bucket.take('trace', 0, 1)).rejects.toBeInstanceOf(GcpRateLimitedError)
    await expect(new RedisTokenBucket(redis, prefix(), limits({ trace: { unitsPerMinute: 60, burst: 10 } })).take('trace', 0, 25)).rejects.toThrow(RangeError)
    // By default the bucket holds at least the dearest call.
    await expect(new RedisTokenBucket(redis, prefix(), limits({ trace: { unitsPerMinute: 30, largestCost: 25 } })).take('trace', 0, 25)).resolves.toBe(0)
  })
})

describe('an incident storm against a quota', () => {
  const gcp = useFakeGcp({ harness: { catalog } })

  it('never sends more calls than the quota allows, whichever worker asks', async () => {
    const now = Date.now()
    gcp.fake.logging.entries = [
      buildLogEntry({ resource: { type: 'k8s_container', labels: { container_name: 'payment-api', namespace_name: 'payments' } }, timestampMs: now - MINUTE }),
    ]
    gcp.fake.logging.controls.quota = { perMinute: 12, retryDelayMs: 30_000 }
    const keyPrefix = `test-gcp-${randomBytes(4).toString('hex')}`
    const workers = [1, 2, 3].map(() => gcp.harness({ keyPrefix, limits: limits({ logging: { unitsPerMinute: 12 } }), gate: { maxRateLimitWaitMs: 0 } }))
    // 30 different questions (30 services), so neither the cache nor coalescing can absorb them.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => workers[i % 3]!.telemetry.logs({ service: `service-${i}`, start: new Date(now - 30 * MINUTE), end: new Date(now) })),
    )
    const answered = outcomes.filter((o) => o.status === 'fulfilled').length
    expect(answered).toBe(gcp.fake.logging.controls.calls.length)
    expect(gcp.fake.logging.controls.calls.length).toBeLessThanOrEqual(12)
    expect(gcp.fake.logging.controls.refused).toBe(0)
    const refusedLocally = workers.reduce((n, w) => n + w.telemetry.apiStats().logging.refusedLocally, 0)
    expect(refusedLocally).toBe(30 - answered)
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(GcpRateLimitedError)
  })
})
