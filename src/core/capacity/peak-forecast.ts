import { DAY_MS } from '../durations'
import type { MetricPoint } from '../telemetry/port'

/** The trend may move a forecast by at most this much a week; a steeper fit is noise more often than growth. */
const MAX_WEEKLY_GROWTH = 0.1

export interface DailyPeak {
  /** Midnight UTC of the day. */
  day: Date
  value: number
  at: Date
}

/** The highest point of each UTC day that has points, oldest first. */
export function dailyPeaks(points: readonly MetricPoint[]): DailyPeak[] {
  const byDay = new Map<number, DailyPeak>()
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue
    const day = Math.floor(p.at.getTime() / DAY_MS) * DAY_MS
    const seen = byDay.get(day)
    if (!seen || p.value > seen.value) byDay.set(day, { day: new Date(day), value: p.value, at: p.at })
  }
  return [...byDay.values()].sort((a, b) => a.day.getTime() - b.day.getTime())
}

/** Relative growth of the daily peaks per week: least-squares slope over the days, divided by their mean, clamped to ±10 %. */
export function weeklyGrowth(peaks: readonly DailyPeak[]): number {
  const recent = peaks.slice(-28)
  if (recent.length < 7) return 0
  const xs = recent.map((p) => p.day.getTime() / DAY_MS)
  const ys = recent.map((p) => p.value)
  const mx = mean(xs)
  const my = mean(ys)
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  if (den === 0 || my <= 0) return 0
  const perWeek = ((num / den) * 7) / my
  return Math.max(-MAX_WEEKLY_GROWTH, Math.min(MAX_WEEKLY_GROWTH, perWeek))
}

export interface PeakForecast {
  value: number
  /** The peaks the level is the median of: the last three days and the same weekday a week before the forecast day. */
  basis: number[]
  weeklyGrowth: number
}

/**
 * The next day's peak from the daily peaks before it: the median of the last three days' peaks and the
 * peak of the same weekday a week earlier (when known), moved by a day's share of the weekly trend.
 * Two choices, no fitted parameters; null with no history.
 */
export function forecastNextPeak(peaks: readonly DailyPeak[]): PeakForecast | null {
  if (peaks.length === 0) return null
  const basis = peaks.slice(-3).map((p) => p.value)
  const last = peaks[peaks.length - 1]!
  const next = last.day.getTime() + DAY_MS
  const weekBefore = peaks.find((p) => p.day.getTime() === next - 7 * DAY_MS)
  if (weekBefore) basis.push(weekBefore.value)
  const growth = weeklyGrowth(peaks)
  return { value: median(basis) * (1 + growth / 7), basis, weeklyGrowth: growth }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length
}

/**
 * The next week's peak, for sizing: the highest daily peak of the last seven days (the same hour of the
 * week comes round again). The weekly trend is reported beside it but does not move it: on NAB's series
 * (`sre-agent eval capacity`) a week of least-squares trend added error in every group of series, while
 * the plain last week's peak is what a bursty month supports. The next-day forecast above is checked day by day.
 */
export function forecastNextWeeklyPeak(peaks: readonly DailyPeak[]): PeakForecast | null {
  if (peaks.length === 0) return null
  const basis = peaks.slice(-7).map((p) => p.value)
  return { value: Math.max(...basis), basis, weeklyGrowth: weeklyGrowth(peaks) }
}
