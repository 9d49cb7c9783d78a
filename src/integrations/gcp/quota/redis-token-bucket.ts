import type { Redis } from 'ioredis'
import { MINUTE_MS } from '../../../core/durations'
import type { GcpApi } from '../gcp-api'
import { GcpRateLimitedError } from '../gcp-errors'

/**
 * Reserves the next slot: refills by elapsed time (Redis's clock, so workers need not agree
 * on theirs), lets tokens go negative for slots promised to earlier callers, and holds every
 * slot until a pause the API asked for has passed. Returns {1, waitMs} or {0, waitMs} when
 * the wait would exceed the caller's limit (nothing is reserved then).
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'paused_until')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
local paused_until = tonumber(state[3]) or 0
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * per_ms)
  at = now
end
local wait = 0
if tokens < cost then wait = math.ceil((cost - tokens) / per_ms) end
if paused_until - now > wait then wait = paused_until - now end
if wait > max_wait then return {0, wait} end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - cost), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 120000)
return {1, wait}
`

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'paused_until')) or 0
if until_ms > current then redis.call('HSET', KEYS[1], 'paused_until', tostring(until_ms)) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 120000)
return until_ms
`

export interface RateLimit {
  /** Requests per minute, or quota units where calls cost differently (Cloud Trace: ListTraces 25, GetTrace 1). */
  unitsPerMinute: number
  /** Units that may be spent back to back; defaults to half the minute's budget (incidents come in storms), and at least the dearest call. */
  burst?: number
  /** Units of the dearest call, which the bucket must be able to hold. */
  largestCost?: number
}

/**
 * One token bucket per API in Redis, shared by every worker. With capacity B and a refill
 * of (R − B) per minute, no 60-second window can spend more than R units — the quota.
 */
export class RedisTokenBucket {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limits: Record<GcpApi, RateLimit>,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    for (const [api, limit] of Object.entries(limits)) {
      const { capacity, perMs } = bucketShape(limit)
      if (!(capacity >= 1) || !(perMs > 0)) throw new RangeError(`rate limit of ${api} needs at least 2 units per minute and a burst below that`)
    }
  }

  private key(api: GcpApi): string {
    return `${this.keyPrefix}:bucket:${api}`
  }

  /**
   * Waits for `cost` units; throws GcpRateLimitedError at once, reserving nothing, when they
   * will not be free within `maxWaitMs`. Returns the time waited.
   */
  async take(api: GcpApi, maxWaitMs: number, cost = 1): Promise<number> {
    const { capacity, perMs } = bucketShape(this.limits[api])
    if (cost > capacity) throw new RangeError(`a call to ${api} costs ${cost} units, more than the bucket holds (${capacity})`)
    const [granted, waitMs] = (await this.redis.eval(TAKE, 1, this.key(api), capacity, perMs, Math.max(0, Math.floor(maxWaitMs)), cost)) as [number, number]
    if (granted !== 1) throw new GcpRateLimitedError(api, waitMs)
    if (waitMs > 0) await this.sleep(waitMs)
    return waitMs
  }

  /** Holds every worker's calls to `api` for `ms`: the API asked for that delay. */
  async pause(api: GcpApi, ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, this.key(api), Math.max(0, Math.ceil(ms)))
  }
}

function bucketShape(limit: RateLimit): { capacity: number; perMs: number } {
  const capacity = limit.burst ?? Math.max(limit.largestCost ?? 1, Math.floor(limit.unitsPerMinute / 2))
  return { capacity, perMs: (limit.unitsPerMinute - capacity) / MINUTE_MS }
}
