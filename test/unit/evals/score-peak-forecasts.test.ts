import { describe, expect, it } from 'vitest'
import { scorePeakForecasts } from '../../../src/evals/capacity/score-peak-forecasts'

const HOUR_MS = 3_600_000
const START = Date.UTC(2026, 0, 5)

function hourly(days: number, value: (hour: number, day: number) => number) {
  return Array.from({ length: days * 24 }, (_, i) => ({ at: new Date(START + i * HOUR_MS), value: value(i % 24, Math.floor(i / 24)) }))
}

describe('scorePeakForecasts', () => {
  it('has no error on a series that repeats every day, and scores each day after three of history', () => {
    const s = scorePeakForecasts(hourly(21, (h) => 10 + Math.sin((h / 24) * 2 * Math.PI)))
    expect(s.daily.n).toBe(18)
    expect(s.daily.mae).toBeCloseTo(0, 9)
    expect(s.daily.baselineMae).toBeCloseTo(0, 9)
    expect(s.weekly.n).toBe(21 - 7 - 7 + 1)
  })

  it('does better than yesterday’s peak when single days spike', () => {
    const s = scorePeakForecasts(hourly(28, (h, d) => (h === 12 ? (d % 5 === 0 ? 30 : 10) : 5)))
    expect(s.daily.mae).toBeLessThan(s.daily.baselineMae)
  })

  it('skips days with too few hours and forecasts only across consecutive whole days', () => {
    const points = hourly(10, (h) => h).filter((p) => p.at.getTime() < START + 4 * 86_400_000 || p.at.getTime() >= START + 5 * 86_400_000)
    const s = scorePeakForecasts(points)
    // Days 0–3, then 5–9: day 4 is missing, so day 5 has no history; days 3, 8 and 9 are scored.
    expect(s.daily.n).toBe(3)
  })
})
