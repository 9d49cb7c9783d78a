import { describe, expect, it } from 'vitest'
import { forecastSaturation } from '../../../../../src/core/analysis/scan/forecast-saturation'
import { gaussian, seededRandom } from '../../../../support/series-builders'

const NOW = Date.UTC(2026, 2, 10, 14, 0)
const MINUTE = 60_000

/** The last 60 minutes at one point a minute, ending at NOW. */
function lastHour(valueAt: (minutesAgo: number) => number, noise = 0, seed = 3) {
  const random = seededRandom(seed)
  return Array.from({ length: 61 }, (_, i) => ({ at: NOW - (60 - i) * MINUTE, value: valueAt(60 - i) + noise * gaussian(random) }))
}
const options = { now: NOW, limit: 1, horizonMinutes: 30 }

describe('forecastSaturation', () => {
  it('says when a noisy rise reaches the limit', () => {
    // 78 % now, rising 2 points a minute: full in 11 minutes.
    const forecast = forecastSaturation(
      lastHour((ago) => 0.78 - 0.02 * ago, 0.01),
      options,
    )
    expect(forecast).not.toBeNull()
    expect(forecast!.level).toBeCloseTo(0.78, 1)
    expect(forecast!.risePerMinute).toBeCloseTo(0.02, 2)
    expect(forecast!.minutesToFull).toBeGreaterThan(9)
    expect(forecast!.minutesToFull).toBeLessThan(13)
    expect(forecast!.fullAt).toBe(NOW + forecast!.minutesToFull * MINUTE)
  })

  it('is not fooled by a few outliers in the window', () => {
    const points = lastHour((ago) => 0.5 + 0.01 * ((ago * 7) % 3))
    for (const i of [50, 52, 58]) points[i]!.value = 0.98
    expect(forecastSaturation(points, options)).toBeNull()
  })

  it('gives nothing for a flat noisy series, a falling one, or one already full', () => {
    expect(
      forecastSaturation(
        lastHour(() => 0.6, 0.03),
        options,
      ),
    ).toBeNull()
    expect(
      forecastSaturation(
        lastHour((ago) => 0.4 + 0.01 * ago, 0.005),
        options,
      ),
    ).toBeNull()
    expect(
      forecastSaturation(
        lastHour(() => 1),
        options,
      ),
    ).toBeNull()
  })

  it('leaves out a rise that stays within the noise, and one that is full beyond the horizon', () => {
    expect(
      forecastSaturation(
        lastHour((ago) => 0.5 - 0.0005 * ago, 0.03),
        options,
      ),
    ).toBeNull()
    const slow = lastHour((ago) => 0.5 - 0.005 * ago, 0.002)
    expect(forecastSaturation(slow, options)).toBeNull()
    expect(forecastSaturation(slow, { ...options, horizonMinutes: 120 })!.minutesToFull).toBeCloseTo(100, -1)
  })

  it('skips NaN points and needs enough points in the window', () => {
    const holed = lastHour((ago) => 0.78 - 0.02 * ago).map((p, i) => (i % 3 === 0 ? { ...p, value: NaN } : p))
    expect(forecastSaturation(holed, options)!.minutesToFull).toBeCloseTo(11, 0)
    expect(forecastSaturation(lastHour((ago) => 0.78 - 0.02 * ago).slice(-5), options)).toBeNull()
    expect(forecastSaturation([], options)).toBeNull()
  })

  it('counts from now when the newest point is a few minutes old', () => {
    const stale = lastHour((ago) => 0.78 - 0.02 * ago).slice(0, -3)
    expect(forecastSaturation(stale, options)!.minutesToFull).toBeCloseTo(11, 0)
  })
})
