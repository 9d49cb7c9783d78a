import { MINUTE_MS } from '../../durations'
import type { TimedValue } from '../anomaly/anomaly-episodes'
import { cleanSeries, median, robustSpread } from '../rca/clean-series'

export interface SaturationForecastOptions {
  now: number
  /** The level at which the resource is full (1 for a used ratio). */
  limit: number
  /** Forecasts further out than this are not returned. */
  horizonMinutes: number
  /** Minutes of recent points the trend is fitted on (15: on the demo fleet's memory leak, 30 forecast 13 min late). */
  windowMinutes?: number
  /** Fewer finite points than this in the window: no forecast. */
  minPoints?: number
}

export interface SaturationForecast {
  /** The fitted level at the newest point. */
  level: number
  /** Fitted rise per minute, in the metric's unit. */
  risePerMinute: number
  minutesToFull: number
  /** Epoch milliseconds at which the trend reaches the limit. */
  fullAt: number
  limit: number
}

// A rise smaller than this many noise widths over the window is noise, not a trend.
const NOISE_WIDTHS = 4
// Nor is a rise smaller than this share of the limit over the window (a noise-free crawl).
const MIN_RISE_SHARE = 0.02
// Theil–Sen is quadratic in the points; a 15-minute window at 60 s stays far below this.
const MAX_FIT_POINTS = 180

/**
 * Fits the recent trend of a saturation metric and says when it reaches `limit`, if that is within
 * the horizon. The fit is Theil–Sen (median of pairwise slopes) so a few outliers or a restart in
 * the window do not make a trend; a rise that does not stand clear of the residual noise, a falling
 * or flat series, or one already at the limit gives null.
 */
export function forecastSaturation(points: readonly TimedValue[], options: SaturationForecastOptions): SaturationForecast | null {
  const windowMs = (options.windowMinutes ?? 15) * MINUTE_MS
  const recent = cleanSeries(points)
    .points.filter((p) => p.at <= options.now && p.at > options.now - windowMs)
    .slice(-MAX_FIT_POINTS)
  if (recent.length < (options.minPoints ?? 10)) return null
  const slopes: number[] = []
  for (let i = 0; i < recent.length; i++) {
    for (let j = i + 1; j < recent.length; j++) slopes.push((recent[j]!.value - recent[i]!.value) / (recent[j]!.at - recent[i]!.at))
  }
  const slope = median(slopes)
  const last = recent[recent.length - 1]!.at
  const level = median(recent.map((p) => p.value + slope * (last - p.at)))
  const noise = robustSpread(recent.map((p) => p.value - (level - slope * (last - p.at))))
  const rise = slope * (last - recent[0]!.at)
  if (!(slope > 0) || rise < NOISE_WIDTHS * noise || rise < MIN_RISE_SHARE * options.limit || level >= options.limit) return null
  const msToFull = (options.limit - level) / slope - (options.now - last)
  const minutesToFull = Math.max(0, msToFull / MINUTE_MS)
  if (minutesToFull > options.horizonMinutes) return null
  return { level, risePerMinute: slope * MINUTE_MS, minutesToFull, fullAt: options.now + minutesToFull * MINUTE_MS, limit: options.limit }
}
