/**
 * Slack takes about one message per second per channel, shared by every process posting with the
 * bot's token: each send reserves the channel's next slot here, and a 429's Retry-After holds it.
 */
export interface ChannelPacing {
  /** Reserves a send slot in `channel`; resolves the milliseconds to wait before using it (0: send now). */
  reserve(channel: string): Promise<number>
  /** Slack answered 429: no send to `channel` before `untilMs` (epoch milliseconds), by any process. */
  holdUntil(channel: string, untilMs: number): Promise<void>
  close(): Promise<void>
}

export interface PacingRate {
  /** Milliseconds between sends once the burst is used up; 0 turns pacing off. */
  intervalMs: number
  /** Sends allowed back to back before the interval applies. */
  burst: number
}

/**
 * GCRA, the token bucket as one timestamp: `tat` is when the channel would be idle again. Returns the new
 * `tat` and the wait before this send. Shared by the in-memory and Redis implementations (Redis runs it in Lua).
 */
export function nextSlot(storedTat: number, now: number, rate: PacingRate): { tat: number; waitMs: number } {
  const tat = Math.max(storedTat, now) + rate.intervalMs
  return { tat, waitMs: Math.max(0, tat - now - rate.burst * rate.intervalMs) }
}
