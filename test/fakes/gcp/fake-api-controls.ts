/** Failures a fake can be told to answer with, named by their google.rpc.Code. */
export type FakeFailureStatus = 'RESOURCE_EXHAUSTED' | 'UNAVAILABLE' | 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'PERMISSION_DENIED' | 'INTERNAL'

export interface FakeFailure {
  status: FakeFailureStatus
  message: string
  /** Sent as google.rpc.RetryInfo (and Retry-After over REST). */
  retryDelayMs?: number
}

export interface FakeQuota {
  /** Units per sliding 60 seconds; calls past it are refused with RESOURCE_EXHAUSTED. */
  perMinute: number
  retryDelayMs?: number
}

export interface RecordedCall {
  method: string
  request: unknown
  at: number
}

/**
 * What every fake shares: injected latency, a per-minute quota that starts refusing, scripted
 * failures and malformed answers, and a record of the calls it received (refused ones included).
 */
export class FakeApiControls {
  latencyMs = 0
  quota: FakeQuota | null = null
  /** Quota units each method costs (Cloud Trace: ListTraces 25). */
  costs: Record<string, number> = {}
  readonly calls: RecordedCall[] = []
  refused = 0
  private readonly spent: Array<{ at: number; units: number }> = []
  private readonly scripted: FakeFailure[] = []
  private readonly standing: Array<{ matches: (method: string, request: unknown) => boolean; failure: FakeFailure }> = []
  private malformed = 0

  constructor(private readonly api: string) {}

  /** The next `n` calls fail with `failure`. */
  failNext(failure: FakeFailure, n = 1): void {
    for (let i = 0; i < n; i++) this.scripted.push(failure)
  }

  /** Every call `matches` picks (one service's resource, one method) fails with `failure`, until reset. */
  failWhen(matches: (method: string, request: unknown) => boolean, failure: FakeFailure): void {
    this.standing.push({ matches, failure })
  }

  /** The next `n` calls answer 200/OK with a body of the wrong shape. */
  answerMalformedNext(n = 1): void {
    this.malformed += n
  }

  /** Back to a healthy API with an empty record (latency and quota included). */
  reset(): void {
    this.calls.length = 0
    this.spent.length = 0
    this.scripted.length = 0
    this.standing.length = 0
    this.malformed = 0
    this.refused = 0
    this.latencyMs = 0
    this.quota = null
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method)
  }

  /** Units accepted (not refused) within any sliding 60-second window, at most. */
  maxUnitsInAnyMinute(): number {
    return maxInAnyMinute(this.spent)
  }

  /** Units asked for, refused calls included, within any sliding 60-second window, at most. */
  maxUnitsSentInAnyMinute(): number {
    return maxInAnyMinute(this.calls.map((c) => ({ at: c.at, units: this.costs[c.method] ?? 1 })))
  }

  /** Waits the injected latency, then says how to answer: a failure, malformed, or normally. */
  async admit(method: string, request: unknown): Promise<{ failure: FakeFailure | null; malformed: boolean }> {
    this.calls.push({ method, request, at: Date.now() })
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs))
    const scripted = this.scripted.shift() ?? this.standing.find((s) => s.matches(method, request))?.failure
    if (scripted) {
      if (scripted.status === 'RESOURCE_EXHAUSTED') this.refused++
      return { failure: scripted, malformed: false }
    }
    const units = this.costs[method] ?? 1
    if (this.quota) {
      const now = Date.now()
      const used = this.spent.filter((s) => now - s.at < 60_000).reduce((sum, s) => sum + s.units, 0)
      if (used + units > this.quota.perMinute) {
        this.refused++
        return {
          failure: {
            status: 'RESOURCE_EXHAUSTED',
            message: `Quota exceeded for quota metric '${this.api} read requests' and limit 'per minute' (${this.quota.perMinute})`,
            retryDelayMs: this.quota.retryDelayMs,
          },
          malformed: false,
        }
      }
    }
    this.spent.push({ at: Date.now(), units })
    if (this.malformed > 0) {
      this.malformed--
      return { failure: null, malformed: true }
    }
    return { failure: null, malformed: false }
  }
}

export const HTTP_FOR_STATUS: Record<FakeFailureStatus, number> = {
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  PERMISSION_DENIED: 403,
  INTERNAL: 500,
}

function maxInAnyMinute(events: Array<{ at: number; units: number }>): number {
  const sorted = [...events].sort((a, b) => a.at - b.at)
  let max = 0
  let sum = 0
  let from = 0
  for (const e of sorted) {
    sum += e.units
    while (e.at - sorted[from]!.at >= 60_000) sum -= sorted[from++]!.units
    max = Math.max(max, sum)
  }
  return max
}
