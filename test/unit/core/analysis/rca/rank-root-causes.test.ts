import { describe, expect, it } from 'vitest'
import { DEFAULT_RCA_CONFIG, rankRootCauses } from '../../../../../src/core/analysis/rca/rank-root-causes'
import type { RcaInput, RcaPoint, RcaSignal } from '../../../../../src/core/analysis/rca/rca-types'
import { fixtureInput, loadRcaFixture } from '../../../../support/load-rca-fixture'

const MIN = 60_000

/** The fixture with one series replaced (or removed, with `null`). */
function withSeries(input: RcaInput, node: string, signal: RcaSignal, points: readonly RcaPoint[] | null): RcaInput {
  const series = new Map([...input.series].map(([n, s]) => [n, new Map(s)]))
  if (points === null) series.get(node)?.delete(signal)
  else series.set(node, new Map(series.get(node) ?? []).set(signal, points))
  return { ...input, series }
}

describe('rankRootCauses', () => {
  describe('on a slow database behind two services', () => {
    const report = rankRootCauses(fixtureInput(loadRcaFixture('slow-database')))

    it('ranks the database first', () => {
      expect(report.status).toBe('ranked')
      expect(report.ranked[0]!.node).toBe('checkout-db')
    })

    it('shows the dependency path from the alert to the cause, every hop deviating', () => {
      const path = report.ranked[0]!.path
      expect(path.map((s) => s.node)).toEqual(['frontend', 'checkout-api', 'checkout-db'])
      for (const step of path) expect(step.score!).toBeGreaterThan(DEFAULT_RCA_CONFIG.anomalyThreshold)
    })

    it('says which metric deviated, when and by how much', () => {
      const { deviation } = report.ranked[0]!
      expect(deviation.signal).toBe('latency')
      expect(deviation.baseline).toBeCloseTo(0.005, 3)
      expect(deviation.change).toBeCloseTo(0.133, 2)
      expect(deviation.onset).toBe(Date.parse('2024-05-06T12:10:00Z'))
      expect(report.ranked[0]!.notes.join(' ')).toMatch(/accounts for 9\d% of frontend's extra latency/)
    })

    it('does not let a rarely called dependency with a bigger slowdown win', () => {
      const geo = report.ranked.find((c) => c.node === 'geo-lookup')!
      expect(geo.deviation.change).toBeGreaterThan(1)
      expect(geo.explainsAlert).toBeLessThan(0.1)
      expect(geo.rank).toBeGreaterThan(1)
    })

    it('clears the callers whose slowdown the database accounts for', () => {
      const api = report.ranked.find((c) => c.node === 'checkout-api')!
      expect(api.unexplainedByDependencies).toBeLessThan(0.1)
      expect(api.notes.join(' ')).toContain('matched by its dependency checkout-db')
    })

    it('is confident, and shares sum to 1', () => {
      expect(report.confidence).toBeGreaterThan(0.8)
      expect(report.ranked.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 9)
    })
  })

  it('follows failed requests to the service that fails them', () => {
    const report = rankRootCauses(fixtureInput(loadRcaFixture('failing-payments')))
    expect(report.ranked.map((c) => c.node).slice(0, 1)).toEqual(['payments'])
    expect(report.ranked[0]!.deviation.excessErrors).toBeCloseTo(40, 0)
    expect(report.ranked.some((c) => c.node === 'recommendations')).toBe(false)
  })

  it('blames a resource at capacity whose own latency barely moves', () => {
    const report = rankRootCauses(fixtureInput(loadRcaFixture('saturated-pool')))
    expect(report.ranked[0]!.node).toBe('checkout-db')
    expect(report.ranked[0]!.deviation.signal).toBe('saturation')
    expect(report.ranked[0]!.notes.join(' ')).toContain('at capacity')
  })

  it('blames the caller of a dependency that only appeared with the incident, and says so', () => {
    const report = rankRootCauses(fixtureInput(loadRcaFixture('new-dependency')))
    expect(report.ranked.map((c) => c.node)).toEqual(['orders-api'])
    expect(report.ranked[0]!.notes.join(' ')).toContain('started calling orders-archive, which had no traffic before the alert')
  })

  it('answers "not anomalous" with nothing ranked when nothing deviates', () => {
    const report = rankRootCauses(fixtureInput(loadRcaFixture('quiet')))
    expect(report).toMatchObject({ status: 'alert_not_anomalous', ranked: [], confidence: 0 })
    expect(report.alertDeviation!.score).toBeLessThan(DEFAULT_RCA_CONFIG.anomalyThreshold)
  })

  it('names the alerting node itself when none of its dependencies deviates', () => {
    const f = loadRcaFixture('slow-database')
    const input = fixtureInput(f)
    const frontendLatency = input.series.get('frontend')!.get('latency')!
    // Only the frontend gets slower; everything below it keeps its pre-alert values.
    let calm = input
    for (const node of ['checkout-api', 'checkout-db', 'geo-lookup']) {
      const latency = input.series.get(node)!.get('latency')!
      calm = withSeries(
        calm,
        node,
        'latency',
        latency.map((p, i) => (i >= 10 ? { ...p, value: latency[i - 10]!.value } : p)),
      )
    }
    const report = rankRootCauses(withSeries(calm, 'frontend', 'latency', frontendLatency))
    expect(report.ranked.map((c) => c.node)).toEqual(['frontend'])
    expect(report.ranked[0]!.notes).toContain('no dependency of it deviates the same way')
  })

  it('ranks a clearly deviating dependency even when the alerting node itself barely moves, with a warning', () => {
    const input = fixtureInput(loadRcaFixture('slow-database'))
    const frontendLatency = input.series.get('frontend')!.get('latency')!
    const flat = frontendLatency.map((p, i) => (i >= 10 ? { ...p, value: frontendLatency[i - 10]!.value } : p))
    const report = rankRootCauses(withSeries(input, 'frontend', 'latency', flat))
    expect(report.status).toBe('ranked')
    expect(report.ranked[0]!.node).toBe('checkout-db')
    expect(report.warnings.join(' ')).toMatch(/frontend itself deviates only/)
  })

  it('finds a dependency whose deviation shows a minute before its caller’s', () => {
    const input = fixtureInput(loadRcaFixture('slow-database'))
    const shift = (node: string, by: number) =>
      input.series
        .get(node)!
        .get('latency')!
        .map((p) => ({ ...p, at: p.at + by }))
    const lagged = withSeries(withSeries(input, 'checkout-db', 'latency', shift('checkout-db', -MIN)), 'checkout-api', 'latency', shift('checkout-api', 0))
    expect(rankRootCauses(lagged).ranked[0]!.node).toBe('checkout-db')
  })

  it('gives the same answer whatever the order of edges and series', () => {
    const input = fixtureInput(loadRcaFixture('slow-database'))
    const reversed: RcaInput = { ...input, graph: [...input.graph].reverse(), series: new Map([...input.series].reverse()) }
    expect(rankRootCauses(reversed).ranked.map((c) => c.node)).toEqual(rankRootCauses(input).ranked.map((c) => c.node))
  })
})
