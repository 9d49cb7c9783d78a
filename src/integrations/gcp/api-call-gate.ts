import { GCP_APIS, type GcpApi } from './gcp-api'
import { classifyApiError } from './classify-api-error'
import { GcpApiError, GcpRateLimitedError } from './gcp-errors'
import type { CacheOutcome, CoalescingResponseCache } from './cache/coalescing-response-cache'
import { DEFAULT_FRESHNESS, ttlFor, type Freshness } from './cache/freshness-ttl'
import { requestKey } from './cache/request-key'
import type { RedisTokenBucket } from './quota/redis-token-bucket'
import { DEFAULT_BACKOFF, retryWithBackoff, type BackoffPolicy, type RetryEnvironment } from './quota/retry-with-backoff'

export interface ApiStats {
  /** Logical requests (one query; may span several pages). */
  requests: number
  cacheHits: number
  /** Answered by an identical request in flight, in this process or another. */
  coalesced: number
  fetched: number
  /** Requests that ended in an error (query rejected, API down, response malformed, rate limited). */
  failed: number
  /** RPCs sent to the API (pages and retries included). */
  calls: number
  retries: number
  /** Calls the API refused for quota (RESOURCE_EXHAUSTED / 429). */
  refusedByApi: number
  /** Calls never sent because the shared rate limit had no slot within the budget. */
  refusedLocally: number
  rateLimitWaitMs: number
}

/** Sends one RPC (a page); `timeoutMs` is what is left of the request's budget. */
export type Rpc<R> = (timeoutMs: number) => Promise<R>
/** `cost` is in the API's quota units (1 but for Cloud Trace's ListTraces). */
export type CallApi = <R>(rpc: Rpc<R>, asked: string, cost?: number) => Promise<R>

export interface ApiCallGateOptions {
  cache: CoalescingResponseCache
  bucket: RedisTokenBucket
  backoff?: BackoffPolicy
  freshness?: Record<GcpApi, Freshness>
  /** Longest one logical request may take, waiting included; below the analysis's per-source deadline. */
  budgetMs?: number
  /** Longest a call waits for the shared rate limit; past it the source is reported missing rather than late. */
  maxRateLimitWaitMs?: number
  env?: RetryEnvironment
}

const emptyStats = (): ApiStats => ({
  requests: 0,
  cacheHits: 0,
  coalesced: 0,
  fetched: 0,
  failed: 0,
  calls: 0,
  retries: 0,
  refusedByApi: 0,
  refusedLocally: 0,
  rateLimitWaitMs: 0,
})

/**
 * Every request to a Google API passes here: the response cache (with cross-worker
 * coalescing) first; on a miss each RPC waits for a slot of the API's shared token bucket
 * and is retried with full-jitter backoff on quota and overload answers.
 */
export class ApiCallGate {
  private readonly backoff: BackoffPolicy
  private readonly freshness: Record<GcpApi, Freshness>
  private readonly budgetMs: number
  private readonly maxRateLimitWaitMs: number
  private readonly env: RetryEnvironment
  private readonly counters = Object.fromEntries(GCP_APIS.map((api) => [api, emptyStats()])) as Record<GcpApi, ApiStats>

  constructor(private readonly options: ApiCallGateOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF
    this.freshness = options.freshness ?? DEFAULT_FRESHNESS
    this.budgetMs = options.budgetMs ?? 4_000
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 1_000
    this.env = options.env ?? { now: Date.now, random: Math.random, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }
  }

  /**
   * One logical request, keyed by its normalised form. `windowEndMs` (null when the answer is
   * relative to now) picks the TTL; `fetch` makes the RPCs through `call`.
   */
  async request<T>(api: GcpApi, method: string, normalized: unknown, windowEndMs: number | null, fetch: (call: CallApi) => Promise<T>): Promise<T> {
    const stats = this.counters[api]
    stats.requests++
    const deadlineAt = this.env.now() + this.budgetMs
    const ttlMs = ttlFor(this.freshness[api], windowEndMs, Date.now())
    const call: CallApi = (rpc, asked, cost = 1) => this.call(api, rpc, asked, cost, deadlineAt)
    let answer: { value: T; outcome: CacheOutcome }
    try {
      answer = await this.options.cache.getOrFetch(requestKey(api, method, normalized), ttlMs, deadlineAt, () => fetch(call))
    } catch (err) {
      stats.failed++
      throw err
    }
    const { value, outcome } = answer
    if (outcome === 'hit') stats.cacheHits++
    else if (outcome === 'coalesced') stats.coalesced++
    else stats.fetched++
    return value
  }

  private call<R>(api: GcpApi, rpc: Rpc<R>, asked: string, cost: number, deadlineAt: number): Promise<R> {
    const stats = this.counters[api]
    return retryWithBackoff(
      async () => {
        try {
          stats.rateLimitWaitMs += await this.options.bucket.take(api, Math.min(this.maxRateLimitWaitMs, deadlineAt - this.env.now()), cost)
        } catch (err) {
          if (err instanceof GcpRateLimitedError) stats.refusedLocally++
          throw err
        }
        stats.calls++
        try {
          return await rpc(Math.max(1, deadlineAt - this.env.now()))
        } catch (err) {
          const classified = classifyApiError(api, err, asked)
          if (classified instanceof GcpApiError && classified.status === 'RESOURCE_EXHAUSTED') stats.refusedByApi++
          throw classified
        }
      },
      (err) => (err instanceof GcpApiError && err.retryable ? { retry: true, retryDelayMs: err.retryDelayMs } : { retry: false, retryDelayMs: null }),
      {
        policy: this.backoff,
        deadlineAt,
        env: this.env,
        onRetry: async (_err, _delayMs, decision) => {
          stats.retries++
          // Every worker holds off, not just this one: the quota is the project's.
          if (decision.retryDelayMs !== null) await this.options.bucket.pause(api, decision.retryDelayMs)
        },
      },
    )
  }

  stats(): Record<GcpApi, ApiStats> {
    return Object.fromEntries(GCP_APIS.map((api) => [api, { ...this.counters[api] }])) as Record<GcpApi, ApiStats>
  }
}
