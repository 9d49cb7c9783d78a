import { describe, expect, it } from 'vitest'
import { dailyPeaks, forecastNextPeak, forecastNextWeeklyPeak, weeklyGrowth } from '../../../../src/core/capacity/peak-forecast'

const DAY_MS = 86_400_000
const START = Date.UTC(2026, 10, 2)

function peaksOf(values: number[]) {
  return dailyPeaks(values.flatMap((v, d) => [0.5, 1].map((f, i) => ({ at: new Date(START + d * DAY_MS + i * 3_600_000 * 10), value: v * f }))))
}

describe('forecastNextPeak', () => {
  it('takes the highest point of each day', () => {
    expect(peaksOf([3, 5]).map((p) => p.value)).toEqual([3, 5])
  })

  it('is the median of the last three days and the same weekday a week earlier, without trend when flat', () => {
    const f = forecastNextPeak(peaksOf([9, 1, 1, 1, 1, 1, 1, 1, 2, 3]))
    // The day forecast is day 10; a week earlier is day 3 (value 1); last three: 1, 2, 3.
    expect(f?.basis).toEqual([1, 2, 3, 1])
    expect(f?.value).toBeCloseTo(1.5 * (1 + (f?.weeklyGrowth ?? 0) / 7), 6)
  })

  it('moves with a steady trend and clamps a steep one', () => {
    const growing = peaksOf(Array.from({ length: 14 }, (_, d) => 100 + d))
    expect(weeklyGrowth(growing)).toBeGreaterThan(0.05)
    expect(weeklyGrowth(peaksOf(Array.from({ length: 14 }, (_, d) => 1 + d * 10)))).toBe(0.1)
  })

  it('has nothing to say without history', () => {
    expect(forecastNextPeak([])).toBeNull()
  })

  it('sizes for the week ahead from the highest of the last seven days; the trend is reported, not applied', () => {
    const f = forecastNextWeeklyPeak(peaksOf([50, 1, 1, 1, 1, 1, 1, 1, 4, 1]))
    expect(f?.basis).toEqual([1, 1, 1, 1, 1, 4, 1])
    expect(f?.value).toBe(4)
    const growing = forecastNextWeeklyPeak(peaksOf(Array.from({ length: 14 }, (_, d) => 1 + d * 10)))
    expect(growing).toMatchObject({ value: 131, weeklyGrowth: 0.1 })
    expect(forecastNextWeeklyPeak([])).toBeNull()
  })
})
