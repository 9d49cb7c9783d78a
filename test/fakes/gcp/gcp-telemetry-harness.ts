import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { assembleGcpTelemetry, type GcpTelemetryParts } from '../../../src/integrations/gcp/create-gcp-telemetry'
import type { GcpApi } from '../../../src/integrations/gcp/gcp-api'
import { createGcpClients } from '../../../src/integrations/gcp/gcp-clients'
import type { GcpTelemetry } from '../../../src/integrations/gcp/gcp-telemetry'
import type { RateLimit } from '../../../src/integrations/gcp/quota/redis-token-bucket'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import type { FakeGcp } from './fake-gcp'

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
