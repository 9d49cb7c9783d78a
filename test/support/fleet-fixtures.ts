import type { MetricKind, TelemetryPort } from '../../src/core/telemetry/port'

/** A Wednesday afternoon, so traffic is near its daily peak. */
export const NOW = new Date('2025-03-12T14:30:00Z')
export const MINUTE_MS = 60_000

export function minutesBefore(at: Date, minutes: number): Date {
  return new Date(at.getTime() - minutes * MINUTE_MS)
}

/** Window from `fromMinutes` to `toMinutes` before NOW. */
export function windowBeforeNow(fromMinutes: number, toMinutes = 0): { start: Date; end: Date } {
  return { start: minutesBefore(NOW, fromMinutes), end: minutesBefore(NOW, toMinutes) }
}

export async function metricValues(telemetry: TelemetryPort, service: string, metric: MetricKind, window: { start: Date; end: Date }): Promise<number[]> {
  const series = await telemetry.metrics({ service, metric, ...window, stepSeconds: 60 })
  return series.points.map((p) => p.value)
}

export function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * (sorted.length - 1)))] ?? NaN
}

export function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length
}
