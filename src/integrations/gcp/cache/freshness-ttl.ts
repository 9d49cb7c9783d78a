import { HOUR_MS, MINUTE_MS } from '../../../core/durations'
import type { GcpApi } from '../gcp-api'

export interface Freshness {
  /** TTL of an answer whose window reaches the last few minutes: new data is still arriving. */
  liveTtlMs: number
  /** TTL of an answer about a window that has settled: it will not change. */
  settledTtlMs: number
  /** How long after a window ends its data stops changing (ingestion delay). */
  settlesAfterMs: number
}

/**
 * Monitoring writes a point per minute and late points land within a few minutes; log entries
 * and spans are ingested within seconds but can trail by minutes; Error Reporting counts are
 * relative to "now", so they never settle.
 */
export const DEFAULT_FRESHNESS: Record<GcpApi, Freshness> = {
  monitoring: { liveTtlMs: 60_000, settledTtlMs: HOUR_MS, settlesAfterMs: 5 * MINUTE_MS },
  logging: { liveTtlMs: 20_000, settledTtlMs: 30 * MINUTE_MS, settlesAfterMs: 10 * MINUTE_MS },
  error_reporting: { liveTtlMs: 60_000, settledTtlMs: MINUTE_MS, settlesAfterMs: Infinity },
  trace: { liveTtlMs: 30_000, settledTtlMs: 30 * MINUTE_MS, settlesAfterMs: 10 * MINUTE_MS },
}

export function ttlFor(freshness: Freshness, windowEndMs: number | null, nowMs: number): number {
  if (windowEndMs === null) return freshness.liveTtlMs
  return nowMs - windowEndMs >= freshness.settlesAfterMs ? freshness.settledTtlMs : freshness.liveTtlMs
}
