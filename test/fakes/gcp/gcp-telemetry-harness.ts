import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { assembleGcpTelemetry, type GcpTelemetryParts } from '../../../src/integrations/gcp/create-gcp-telemetry'
import type { GcpApi } from '../../../src/integrations/gcp/gcp-api'
import { createGcpClients } from '../../../src/integrations/gcp/gcp-clients'
import type { GcpTelemetry } from '../../../src/integrations/gcp/gcp-telemetry'
import type { RateLimit } from '../../../src/integrations/gcp/quota/redis-token-bucket'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { FakeGcp } from './fake-gcp'
import { TEST_REDIS_URL } from '../../support/services'

export const GENEROUS_LIMITS: Record<GcpApi, RateLimit> = {
  monitoring: { unitsPerMinute: 60_000 },
  logging: { unitsPerMinute: 60_000 },
  error_reporting: { unitsPerMinute: 60_000 },
  trace: { unitsPerMinute: 60_000 },
}

export interface HarnessOptions {
  redisUrl: string
  projectId?: string
  catalog?: ServiceCatalog
  limits?: Record<GcpApi, RateLimit>
  /** Share one namespace between instances to act as several workers of one deployment. */
  keyPrefix?: string
  gate?: GcpTelemetryParts['gate']
  coalescing?: GcpTelemetryParts['coalescing']
  telemetry?: GcpTelemetryParts['telemetry']
  /** Another credential (a wrong token, to see authentication fail). */
  auth?: Parameters<FakeGcp['clientOptions']>[1]
}

/**
 * A GcpTelemetry wired exactly as in production (real clients, Redis cache and buckets) but
 * pointed at the fakes, under its own Redis namespace so tests never share a quota or a cache.
 */
export function gcpTelemetryAgainst(fake: FakeGcp, options: HarnessOptions): { telemetry: GcpTelemetry; keyPrefix: string; close(): Promise<void> } {
  const projectId = options.projectId ?? 'shop-prod'
  const keyPrefix = options.keyPrefix ?? `test-gcp-${randomBytes(4).toString('hex')}`
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 })
  const telemetry = assembleGcpTelemetry({
    clients: createGcpClients(fake.clientOptions(projectId, options.auth)),
    catalog: options.catalog ?? ServiceCatalog.empty(projectId),
    redis,
    keyPrefix,
    limits: options.limits ?? GENEROUS_LIMITS,
    gate: options.gate,
    coalescing: options.coalescing,
    telemetry: options.telemetry,
  })
  return {
    telemetry,
    keyPrefix,
    async close() {
      await telemetry.close()
      await deleteKeys(redis, keyPrefix)
      await redis.quit()
    },
  }
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
    if (keys.length) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
}

export type HarnessHandle = ReturnType<typeof gcpTelemetryAgainst>

export interface FakeGcpSuite {
  /** The running fakes (started before the suite's first test). */
  readonly fake: FakeGcp
  /** A production-wired GcpTelemetry against the fakes, closed (its Redis keys deleted) after the test. */
  harness(overrides?: Partial<HarnessOptions>): HarnessHandle
  telemetry(overrides?: Partial<HarnessOptions>): GcpTelemetry
}

/**
 * Starts the GCP fakes for a describe block and hands out telemetry against them; after each
 * test the telemetry is closed and the fakes are reset (every API's controls, unless `reset` says otherwise).
 */
export function useFakeGcp(options: { harness?: Partial<HarnessOptions>; started?(fake: FakeGcp): void; reset?(fake: FakeGcp): void } = {}): FakeGcpSuite {
  let fake: FakeGcp | null = null
  const open: HarnessHandle[] = []
  const running = () => {
    if (!fake) throw new Error('the GCP fakes are not started yet (use them inside a test or hook)')
    return fake
  }
  beforeAll(async () => {
    fake = await FakeGcp.start()
    options.started?.(fake)
  })
  afterAll(async () => {
    await fake?.close()
  })
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close()
    if (!fake) return
    if (options.reset) options.reset(fake)
    else for (const c of Object.values(fake.controls)) c.reset()
  })
  const harness = (overrides: Partial<HarnessOptions> = {}) => {
    const h = gcpTelemetryAgainst(running(), { redisUrl: TEST_REDIS_URL, ...options.harness, ...overrides })
    open.push(h)
    return h
  }
  return {
    get fake() {
      return running()
    },
    harness,
    telemetry: (overrides) => harness(overrides).telemetry,
  }
}
