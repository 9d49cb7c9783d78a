import { hourlyMeans } from '../../core/capacity/hourly-profile'
import { type DailyPeak, dailyPeaks, forecastNextPeak, forecastNextWeeklyPeak } from '../../core/capacity/peak-forecast'
import type { MetricPoint } from '../../core/telemetry/port'

const DAY_MS = 86_400_000
/** A day counts when this many of its hours have points: a half-recorded first or last day has no real peak. */
const WHOLE_DAY_HOURS = 20
/** Days of history before the first forecast is scored. */
export const MIN_HISTORY_DAYS = 3

export interface ForecastScore {
  /** Forecasts scored. */
  n: number
  /** Mean absolute error of ours and of the baseline, in the series' unit. */
  mae: number
  baselineMae: number
  /** Mean of the actual peaks, to compare errors across series (MAE / mean peak). */
  meanActual: number
}

export interface SeriesScore {
  /** Next day's peak, against "same as yesterday's peak". */
  daily: ForecastScore
  /** The next seven days' peak (what sizing uses), against "same as the last seven days' peak". */
  weekly: ForecastScore
}

function score(pairs: Array<{ forecast: number; baseline: number; actual: number }>): ForecastScore {
  const n = pairs.length
  const sum = (f: (p: (typeof pairs)[number]) => number) => pairs.reduce((s, p) => s + f(p), 0)
  return {
    n,
    mae: n ? sum((p) => Math.abs(p.forecast - p.actual)) / n : Number.NaN,
    baselineMae: n ? sum((p) => Math.abs(p.baseline - p.actual)) / n : Number.NaN,
    meanActual: n ? sum((p) => p.actual) / n : Number.NaN,
  }
}

/**
 * Walks a series day by day: each forecast sees only the whole days before it (hourly means, as the
 * capacity analysis uses), and is compared with what came. Only runs of consecutive whole days count.
 */
export function scorePeakForecasts(points: readonly MetricPoint[]): SeriesScore {
  const hourly = hourlyMeans(points)
  const hoursPerDay = new Map<number, number>()
  for (const p of hourly) {
    const day = Math.floor(p.at.getTime() / DAY_MS)
    hoursPerDay.set(day, (hoursPerDay.get(day) ?? 0) + 1)
  }
  const peaks = dailyPeaks(hourly).filter((p) => (hoursPerDay.get(p.day.getTime() / DAY_MS) ?? 0) >= WHOLE_DAY_HOURS)
  const daily: Array<{ forecast: number; baseline: number; actual: number }> = []
  const weekly: Array<{ forecast: number; baseline: number; actual: number }> = []
  for (let i = MIN_HISTORY_DAYS; i < peaks.length; i++) {
    const history = consecutiveRunBefore(peaks, i)
    if (history.length < MIN_HISTORY_DAYS) continue
    const forecast = forecastNextPeak(history)
    if (forecast) daily.push({ forecast: forecast.value, baseline: history[history.length - 1]!.value, actual: peaks[i]!.value })
    const nextWeek = peaks.slice(i, i + 7)
    const isWholeWeek = nextWeek.length === 7 && nextWeek[6]!.day.getTime() - nextWeek[0]!.day.getTime() === 6 * DAY_MS
    const weeklyForecast = history.length >= 7 ? forecastNextWeeklyPeak(history) : null
    if (isWholeWeek && weeklyForecast) {
      weekly.push({
        forecast: weeklyForecast.value,
        baseline: Math.max(...history.slice(-7).map((p) => p.value)),
        actual: Math.max(...nextWeek.map((p) => p.value)),
      })
    }
  }
  return { daily: score(daily), weekly: score(weekly) }
}

/** The whole days before index `i`, back to the last gap, when day `i` follows the day before it. */
function consecutiveRunBefore(peaks: readonly DailyPeak[], i: number): DailyPeak[] {
  if (peaks[i]!.day.getTime() - peaks[i - 1]!.day.getTime() !== DAY_MS) return []
  let start = i - 1
  while (start > 0 && peaks[start]!.day.getTime() - peaks[start - 1]!.day.getTime() === DAY_MS) start--
  return peaks.slice(start, i)
}
