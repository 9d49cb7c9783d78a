import { describe, expect, it } from 'vitest'
import {
  betaBinomialScore,
  empiricalPrior,
  logGamma,
  normalQuantile,
  trackErrorSignal,
  trackLevelSignal,
  type TrackWindow,
} from '../../../../../src/core/analysis/rca/signal-track'
import { DEFAULT_RCA_CONFIG } from '../../../../../src/core/analysis/rca/rank-root-causes'

const MIN = 60_000
const window: TrackWindow = { alertAt: 10 * MIN, step: MIN, incidentEnd: 25 * MIN }
const at = (i: number) => i * MIN
const series = (values: readonly number[], from = 0) => values.map((value, i) => ({ at: at(from + i), value }))
const steady = (n: number, level: number, from = 0) =>
  series(
    Array.from({ length: n }, (_, i) => level * (1 + 0.02 * Math.sin(i * 1.3))),
    from,
  )

describe('trackLevelSignal', () => {
  it('measures incident points against the median of the points before the alert', () => {
    const track = trackLevelSignal('latency', [...steady(10, 0.1), ...series([0.5, 0.5], 10)], [], window, DEFAULT_RCA_CONFIG)
    expect(track.baseline).toBeCloseTo(0.1, 2)
    expect(track.points.map((p) => p.at)).toEqual([at(10), at(11)])
    expect(track.points[0]!.change).toBeCloseTo(0.4, 2)
    expect(track.points[0]!.score).toBeGreaterThan(20)
  })

  it('counts a point whose interval contains the alert as incident, not baseline', () => {
    const w = { ...window, alertAt: 9.5 * MIN }
    const track = trackLevelSignal('latency', [...steady(9, 0.1), ...series([0.5, 0.5], 9)], [], w, DEFAULT_RCA_CONFIG)
    expect(track.baseline).toBeCloseTo(0.1, 2)
    expect(track.points[0]!.at).toBe(at(9))
  })

  it('scores the same jump lower when history shows the series is spiky', () => {
    const incident = [...steady(10, 0.1), ...series([0.2], 10)]
    const calmHistory = steady(200, 0.1, -300)
    const spikyHistory = calmHistory.map((p, i) => (i % 10 === 0 ? { ...p, value: 0.25 } : p))
    const calm = trackLevelSignal('latency', incident, calmHistory, window, DEFAULT_RCA_CONFIG).points[0]!.score
    const spiky = trackLevelSignal('latency', incident, spikyHistory, window, DEFAULT_RCA_CONFIG).points[0]!.score
    expect(calm).toBeGreaterThan(DEFAULT_RCA_CONFIG.anomalyThreshold)
    expect(spiky).toBeLessThan(DEFAULT_RCA_CONFIG.anomalyThreshold)
  })

  it('falls back to history for the level when nothing precedes the alert', () => {
    const track = trackLevelSignal('latency', series([0.3], 10), steady(50, 0.1, -100), window, DEFAULT_RCA_CONFIG)
    expect(track.baseline).toBeCloseTo(0.1, 2)
    expect(track.points[0]!.score).toBeGreaterThan(10)
  })

  it('marks a series with data only during the incident as appeared, with no baseline', () => {
    const track = trackLevelSignal('latency', series([0.02, 0.02], 10), [], window, DEFAULT_RCA_CONFIG)
    expect(track).toMatchObject({ baseline: null, appeared: true, points: [] })
  })

  it('scores request counts in both directions', () => {
    const drop = trackLevelSignal('requests', [...steady(10, 400), ...series([100], 10)], [], window, DEFAULT_RCA_CONFIG)
    expect(drop.points[0]!.score).toBeGreaterThan(10)
  })
})

describe('trackErrorSignal', () => {
  const requests = (n: number, count: number, from = 0) =>
    series(
      Array.from({ length: n }, () => count),
      from,
    )
  const ratios = (failed: readonly number[], count: number, from = 0) =>
    series(
      failed.map((f) => f / count),
      from,
    )

  it('finds 3 failures in 130 requests significant after a history without failures', () => {
    const history = { ratios: ratios(Array(200).fill(0), 130, -300), requests: requests(200, 130, -300) }
    const track = trackErrorSignal(
      [...ratios(Array(10).fill(0), 130), ...ratios([3], 130, 10)],
      requests(11, 130),
      history.ratios,
      history.requests,
      window,
      DEFAULT_RCA_CONFIG,
    )
    expect(track.points[0]!.excessErrors).toBeCloseTo(3, 1)
    expect(track.points[0]!.score).toBeGreaterThan(DEFAULT_RCA_CONFIG.anomalyThreshold)
  })

  it('does not find the same 3 failures significant when history shows bursts like it', () => {
    const bursty = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? 4 : 0))
    const track = trackErrorSignal(
      [...ratios(Array(10).fill(0), 130), ...ratios([3], 130, 10)],
      requests(11, 130),
      ratios(bursty, 130, -300),
      requests(200, 130, -300),
      window,
      DEFAULT_RCA_CONFIG,
    )
    expect(track.points[0]!.score).toBeLessThan(DEFAULT_RCA_CONFIG.anomalyThreshold)
  })

  it('without request counts compares the ratio against an absolute floor', () => {
    const track = trackErrorSignal([...series(Array(10).fill(0.001)), ...series([0.2], 10)], [], [], [], window, DEFAULT_RCA_CONFIG)
    expect(track.baseline).toBeCloseTo(0.001, 4)
    expect(track.points[0]!.excessErrors).toBeUndefined()
    expect(track.points[0]!.score).toBeGreaterThan(10)
  })

  it('marks a dependency with requests only during the incident as appeared', () => {
    const track = trackErrorSignal(
      [...series(Array(10).fill(NaN)), ...series([1], 10)].filter((p) => Number.isFinite(p.value)),
      [...requests(10, 0), ...requests(1, 120, 10)],
      [],
      [],
      window,
      DEFAULT_RCA_CONFIG,
    )
    expect(track).toMatchObject({ baseline: null, appeared: true })
  })
})

describe('empiricalPrior', () => {
  it('is as strong as history allows when rates vary no more than binomial noise', () => {
    const steadyPast = Array.from({ length: 100 }, (_, i) => ({ at: i, failed: 0, total: 100 }))
    const { alpha, beta } = empiricalPrior(steadyPast)
    expect(alpha + beta).toBeCloseTo(10_000, 0)
  })

  it('weakens when rates vary far more than binomial noise', () => {
    const burstyPast = Array.from({ length: 100 }, (_, i) => ({ at: i, failed: i % 10 === 0 ? 30 : 0, total: 100 }))
    const { alpha, beta } = empiricalPrior(burstyPast)
    expect(alpha + beta).toBeLessThan(50)
  })
})

describe('betaBinomialScore', () => {
  it('matches the exact tail of a uniform beta-binomial', () => {
    // Beta-Binomial(10, 1, 1) is uniform on 0..10: P(X >= 8) = 3/11.
    expect(betaBinomialScore(8, 10, 1, 1)).toBeCloseTo(-normalQuantile(3 / 11), 6)
  })

  it('stays finite for astronomically unlikely counts', () => {
    const z = betaBinomialScore(500, 1000, 0.01, 10_000)
    expect(Number.isFinite(z)).toBe(true)
    expect(z).toBeGreaterThan(30)
  })
})

describe('numerical helpers', () => {
  it('normalQuantile inverts the normal CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5)
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9)
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361341, 4)
  })

  it('logGamma matches factorials', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10)
  })
})
