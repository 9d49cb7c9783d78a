import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { CodedError, errorMessage, isCodedError, isErrorCode } from '../../../core/errors'
import { TelemetryQueryError } from '../../../core/telemetry/port'

/** hit: answered from Redis; coalesced: waited for an identical request another caller made; fetched: this caller asked the API. */
export type CacheOutcome = 'hit' | 'coalesced' | 'fetched'

type Envelope = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }

/** Deletes the lock only if this caller still holds it (it may have expired and been taken over). */
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

export interface CoalescingCacheOptions {
  /** How long a caller may hold a request before another worker may take it over (it died). */
  lockMs: number
  /** How long a rejected request (bad filter, unknown metric) is remembered. */
  queryErrorTtlMs: number
  /** How long any other failure is remembered, so a struggling API is not asked again by every waiter. */
  failureTtlMs: number
  /** Waiters re-check this often in case a fill notice was missed. */
  pollMs: number
}

export const DEFAULT_COALESCING: CoalescingCacheOptions = { lockMs: 10_000, queryErrorTtlMs: 60_000, failureTtlMs: 5_000, pollMs: 500 }

/**
 * A Redis response cache in which identical concurrent requests, from any worker, make one
 * call: the first takes a lock and asks the API; the others wait for its answer (a pub/sub
 * notice, or the lock expiring if it died) and read it from the cache.
 */
export class CoalescingResponseCache {
  private readonly inflight = new Map<string, Promise<unknown>>()
  private readonly waiters = new Map<string, Set<() => void>>()
  private subscriber: Redis | null = null
  private subscribing: Promise<unknown> | null = null
  private readonly channel: string

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly options: CoalescingCacheOptions = DEFAULT_COALESCING,
  ) {
    this.channel = `${keyPrefix}:filled`
  }

  async getOrFetch<T>(key: string, ttlMs: number, deadlineAt: number, fetch: () => Promise<T>): Promise<{ value: T; outcome: CacheOutcome }> {
    const local = this.inflight.get(key)
    if (local) return { value: (await local) as T, outcome: 'coalesced' }
    const seen: { outcome: CacheOutcome } = { outcome: 'fetched' }
    const work = this.resolve(key, ttlMs, deadlineAt, fetch, seen)
    this.inflight.set(key, work)
    try {
      return { value: await work, outcome: seen.outcome }
    } finally {
      this.inflight.delete(key)
    }
  }

  private async resolve<T>(key: string, ttlMs: number, deadlineAt: number, fetch: () => Promise<T>, seen: { outcome: CacheOutcome }): Promise<T> {
    const dataKey = `${this.keyPrefix}:data:${key}`
    const lockKey = `${this.keyPrefix}:lock:${key}`
    let waited = false
    for (;;) {
      const cached = decode(await this.redis.get(dataKey))
      if (cached) {
        seen.outcome = waited ? 'coalesced' : 'hit'
        return unwrap(cached) as T
      }
      const token = randomBytes(12).toString('base64url')
      if ((await this.redis.set(lockKey, token, 'PX', this.options.lockMs, 'NX')) === 'OK') {
        seen.outcome = 'fetched'
        return this.fetchAndFill(key, dataKey, lockKey, token, ttlMs, fetch)
      }
      waited = true
      const remaining = deadlineAt - Date.now()
      if (remaining <= 0) throw new CodedError('gcp_coalesce_timeout', 'an identical request by another worker did not finish before the deadline')
      await this.waitForFill(key, dataKey, Math.min(remaining, this.options.pollMs))
    }
  }

  private async fetchAndFill<T>(key: string, dataKey: string, lockKey: string, token: string, ttlMs: number, fetch: () => Promise<T>): Promise<T> {
    try {
      const value = await fetch()
      await this.redis.set(dataKey, JSON.stringify({ ok: true, value } satisfies Envelope), 'PX', Math.max(1, Math.round(ttlMs)))
      return value
    } catch (err) {
      const ttl = err instanceof TelemetryQueryError ? this.options.queryErrorTtlMs : this.options.failureTtlMs
      const code = isCodedError(err) ? err.code : 'gcp_call_failed'
      const failure: Envelope = { ok: false, error: { code, message: errorMessage(err) } }
      if (ttl > 0) await this.redis.set(dataKey, JSON.stringify(failure), 'PX', ttl).catch(() => undefined)
      throw err
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, lockKey, token).catch(() => undefined)
      await this.redis.publish(this.channel, key).catch(() => undefined)
    }
  }

  private async waitForFill(key: string, dataKey: string, timeoutMs: number): Promise<void> {
    await this.subscribe()
    let wake!: () => void
    const filled = new Promise<void>((resolve) => (wake = resolve))
    const set = this.waiters.get(key) ?? new Set()
    set.add(wake)
    this.waiters.set(key, set)
    let timer: NodeJS.Timeout | undefined
    try {
      // The answer may have landed between the caller's GET and this subscription.
      if (await this.redis.exists(dataKey)) return
      await Promise.race([filled, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
    } finally {
      clearTimeout(timer)
      set.delete(wake)
      if (set.size === 0) this.waiters.delete(key)
    }
  }

  private subscribe(): Promise<unknown> {
    if (!this.subscribing) {
      const subscriber = this.redis.duplicate()
      this.subscriber = subscriber
      // Reconnects by itself; a waiter that misses a notice finds the answer on its next poll.
      subscriber.on('error', () => undefined)
      subscriber.on('message', (_channel: string, key: string) => {
        for (const wake of this.waiters.get(key) ?? []) wake()
      })
      this.subscribing = subscriber.subscribe(this.channel)
    }
    return this.subscribing
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined)
    this.subscriber = null
    this.subscribing = null
  }
}

function decode(raw: string | null): Envelope | null {
  if (raw === null) return null
  try {
    const parsed = JSON.parse(raw) as Envelope
    return parsed && typeof parsed === 'object' && 'ok' in parsed ? parsed : null
  } catch {
    return null
  }
}

function unwrap(envelope: Envelope): unknown {
  if (envelope.ok) return envelope.value
  if (envelope.error.code === 'telemetry_query_invalid') throw new TelemetryQueryError(envelope.error.message)
  // Written by another worker, perhaps of another version: a code we do not know is a failed call.
  throw new CodedError(isErrorCode(envelope.error.code) ? envelope.error.code : 'gcp_call_failed', envelope.error.message)
}
