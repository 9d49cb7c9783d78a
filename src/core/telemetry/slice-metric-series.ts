import type { MetricGrid, MetricSeries, TimeWindow } from './port'

/**
 * Whether an answer of a provider placing points on `grid` can be cut to a narrower window at
 * `stepSeconds`: only whole-second steps, so the provider's rounding of the step cannot matter.
 */
export function canSliceMetricSeries(grid: MetricGrid | undefined, stepSeconds: number | undefined): grid is MetricGrid {
  return grid !== undefined && stepSeconds !== undefined && Number.isInteger(stepSeconds) && stepSeconds > 0
}

/**
 * The points of `series` the provider would have answered for `window` at `stepSeconds`, when
 * `series` answered a window containing it at the same step (check canSliceMetricSeries first).
 */
export function sliceMetricSeries(series: MetricSeries, window: TimeWindow, grid: MetricGrid, stepSeconds: number): MetricSeries {
  const startMs = window.start.getTime()
  const endMs = window.end.getTime()
  const stepMs = Math.max(grid.minStepSeconds ?? 0, stepSeconds) * 1000
  const keep = grid.points === 'instant' ? (at: number) => at >= startMs && at <= endMs : (at: number) => at > startMs && at < endMs + stepMs
  return { ...series, points: series.points.filter((p) => keep(p.at.getTime())) }
}
