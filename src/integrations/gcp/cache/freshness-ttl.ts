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
  monitoring: { liveTtlMs: 60_000, settledTtlMs: 60 * 60_000, settlesAfterMs: 5 * 60_000 },
  logging: { liveTtlMs: 20_000, settledTtlMs: 30 * 60_000, settlesAfterMs: 10 * 60_000 },
  error_reporting: { liveTtlMs: 60_000, settledTtlMs: 60_000, settlesAfterMs: Infinity },
  trace: { liveTtlMs: 30_000, settledTtlMs: 30 * 60_000, settlesAfterMs: 10 * 60_000 },
}

export function ttlFor(freshness: Freshness, windowEndMs: number | null, nowMs: number): number {
  if (windowEndMs === null) return freshness.liveTtlMs
  return nowMs - windowEndMs >= freshness.settlesAfterMs ? freshness.settledTtlMs : freshness.liveTtlMs
}
