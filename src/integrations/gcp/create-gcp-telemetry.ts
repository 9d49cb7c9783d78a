import { Redis } from 'ioredis'
import { ConfigError, type Config } from '../../config'
import { ApiCallGate, type ApiCallGateOptions } from './api-call-gate'
import { LIST_TRACES_UNITS } from './cloud-trace-traces'
import { CoalescingResponseCache, DEFAULT_COALESCING, type CoalescingCacheOptions } from './cache/coalescing-response-cache'
import type { GcpApi } from './gcp-api'
import { createGcpClients, type GcpClients, type GcpEndpoint } from './gcp-clients'
import { GcpTelemetry, type GcpTelemetryOptions } from './gcp-telemetry'
import { RedisTokenBucket, type RateLimit } from './quota/redis-token-bucket'
import { ServiceCatalog } from './service-catalog'

export interface GcpTelemetryParts {
  clients: GcpClients
  catalog: ServiceCatalog
  /** Shared by every worker: the cache, the locks and the token buckets live here. */
  redis: Redis
  /** Namespaces the keys, so deployments (and tests) sharing a Redis do not share a quota. */
  keyPrefix: string
  limits: Record<GcpApi, RateLimit>
  gate?: Omit<ApiCallGateOptions, 'cache' | 'bucket'>
  coalescing?: CoalescingCacheOptions
  telemetry?: Omit<GcpTelemetryOptions, 'clients' | 'catalog' | 'gate' | 'onClose'>
  /** Closes the Redis connection with the telemetry (when it was opened for it). */
  ownsRedis?: boolean
}

/** Assembles the provider from its parts; tests and the benchmark pass clients pointed at the fakes. */
export function assembleGcpTelemetry(parts: GcpTelemetryParts): GcpTelemetry {
  const cache = new CoalescingResponseCache(parts.redis, `${parts.keyPrefix}:cache`, parts.coalescing ?? DEFAULT_COALESCING)
  const bucket = new RedisTokenBucket(parts.redis, parts.keyPrefix, parts.limits)
  const gate = new ApiCallGate({ ...parts.gate, cache, bucket })
  return new GcpTelemetry({
    ...parts.telemetry,
    clients: parts.clients,
    catalog: parts.catalog,
    gate,
    onClose: async () => {
      await cache.close()
      if (parts.ownsRedis) await parts.redis.quit().catch(() => undefined)
    },
  })
}

/** The production wiring: Application Default Credentials, the official endpoints unless overridden. */
export function createGcpTelemetry(config: Config): GcpTelemetry {
  if (!config.REDIS_URL) throw new ConfigError(['REDIS_URL: required when TELEMETRY_PROVIDER=gcp (shared response cache and rate limit)'])
  const catalog = config.GCP_SERVICES_FILE ? ServiceCatalog.load(config.GCP_SERVICES_FILE, config.GCP_PROJECT_ID) : ServiceCatalog.empty(config.GCP_PROJECT_ID)
  const clients = createGcpClients({
    projectId: config.GCP_PROJECT_ID,
    monitoringEndpoint: endpoint(config.GCP_MONITORING_ENDPOINT),
    loggingEndpoint: endpoint(config.GCP_LOGGING_ENDPOINT),
    errorReportingUrl: config.GCP_ERROR_REPORTING_URL,
    traceUrl: config.GCP_TRACE_URL,
  })
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 })
  // ioredis reconnects by itself; meanwhile commands fail and the sources are reported missing.
  redis.on('error', () => undefined)
  return assembleGcpTelemetry({
    clients,
    catalog,
    redis,
    ownsRedis: true,
    keyPrefix: `${config.QUEUE_PREFIX}:gcp:${config.GCP_PROJECT_ID}`,
    limits: {
      monitoring: { unitsPerMinute: config.GCP_QUOTA_MONITORING_PER_MINUTE },
      logging: { unitsPerMinute: config.GCP_QUOTA_LOGGING_PER_MINUTE },
      error_reporting: { unitsPerMinute: config.GCP_QUOTA_ERROR_REPORTING_PER_MINUTE },
      trace: { unitsPerMinute: config.GCP_QUOTA_TRACE_UNITS_PER_MINUTE, largestCost: LIST_TRACES_UNITS },
    },
  })
}

function endpoint(hostPort: string | undefined): GcpEndpoint | undefined {
  if (!hostPort) return undefined
  const at = hostPort.lastIndexOf(':')
  return { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) }
}
