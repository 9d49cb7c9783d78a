import { describe, expect, it } from 'vitest'
import { InvalidRcaInputError } from '../../../../../src/core/analysis/rca/invalid-rca-input-error'
import { rankRootCauses } from '../../../../../src/core/analysis/rca/rank-root-causes'
import type { RcaInput, RcaPoint, RcaSignal } from '../../../../../src/core/analysis/rca/rca-types'
import { fixtureInput, loadRcaFixture } from '../../../../support/load-rca-fixture'

const slowDatabase = () => fixtureInput(loadRcaFixture('slow-database'))

function mapSeries(input: RcaInput, fn: (node: string, signal: RcaSignal, points: readonly RcaPoint[]) => readonly RcaPoint[] | null): RcaInput {
  const series = new Map<string, Map<RcaSignal, readonly RcaPoint[]>>()
  for (const [node, bySignal] of input.series) {
    const m = new Map<RcaSignal, readonly RcaPoint[]>()
    for (const [signal, points] of bySignal) {
      const out = fn(node, signal, points)
      if (out) m.set(signal, out)
    }
    series.set(node, m)
  }
  return { ...input, series }
}

function captureError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}

describe('rankRootCauses on bad input', () => {
  it('refuses an alert without a node, signal or time, with a stable code', () => {
    const input = slowDatabase()
    for (const alert of [
      { ...input.alert, node: '' },
      { ...input.alert, signal: 'cpu' as never },
      { ...input.alert, at: NaN },
    ]) {
      const err = captureError(() => rankRootCauses({ ...input, alert }))
      expect(err).toBeInstanceOf(InvalidRcaInputError)
      expect((err as InvalidRcaInputError).code).toBe('rca_input_invalid')
    }
  })

  it('answers "no data" when the alerting node has no series', () => {
    const report = rankRootCauses({ ...slowDatabase(), alert: { node: 'unknown-service', signal: 'latency', at: Date.parse('2024-05-06T12:10:00Z') } })
    expect(report).toMatchObject({ status: 'no_alert_data', ranked: [], confidence: 0, analysedAt: null })
    expect(report.warnings.join(' ')).toContain('no usable latency points for unknown-service')
  })

  it('answers "no data" when the alerting series is empty or has no point after the alert', () => {
    const empty = mapSeries(slowDatabase(), (node, signal, points) => (node === 'frontend' && signal === 'latency' ? [] : points))
    expect(rankRootCauses(empty).status).toBe('no_alert_data')
    const before = mapSeries(slowDatabase(), (node, signal, points) => (node === 'frontend' && signal === 'latency' ? points.slice(0, 10) : points))
    expect(rankRootCauses(before).status).toBe('no_alert_data')
  })

  it('drops NaN values and says how many, without changing the answer', () => {
    const holes = mapSeries(slowDatabase(), (_node, _signal, points) => points.map((p, i) => (i % 5 === 2 ? { ...p, value: NaN } : p)))
    const report = rankRootCauses(holes)
    expect(report.ranked[0]!.node).toBe('checkout-db')
    expect(report.warnings.join(' ')).toMatch(/series: \d+ point\(s\) with a missing or non-finite time or value dropped/)
  })

  it('handles unsorted and duplicated points', () => {
    const shuffled = mapSeries(slowDatabase(), (_node, _signal, points) => [...points].reverse().concat(points.slice(0, 3)))
    const report = rankRootCauses(shuffled)
    expect(report.ranked[0]!.node).toBe('checkout-db')
    expect(report.warnings.join(' ')).toContain('sharing a timestamp averaged')
  })

  it('passes through a node of the graph that has no series, but does not rank it', () => {
    const hidden = mapSeries(slowDatabase(), (node, _signal, points) => (node === 'checkout-api' ? null : points))
    const report = rankRootCauses(hidden)
    expect(report.ranked[0]!.node).toBe('checkout-db')
    expect(report.ranked[0]!.path.map((s) => s.node)).toEqual(['frontend', 'checkout-api', 'checkout-db'])
    expect(report.ranked[0]!.path[1]!.score).toBeNull()
    expect(report.ranked.some((c) => c.node === 'checkout-api')).toBe(false)
    expect(report.warnings.join(' ')).toMatch(/1 node\(s\) have no usable series.*checkout-api/)
  })

  it('treats a gap at the analysed point as no data there', () => {
    const gap = mapSeries(slowDatabase(), (node, signal, points) =>
      node === 'checkout-db' && signal === 'latency' ? points.filter((_, i) => i < 10 || i > 15) : points,
    )
    const report = rankRootCauses(gap)
    expect(report.status).toBe('ranked')
    expect(report.ranked.some((c) => c.node === 'checkout-db')).toBe(false)
    expect(report.ranked[0]!.node).toBe('checkout-api')
  })

  it('ignores self-calls and survives cycles', () => {
    const input = slowDatabase()
    const cyclic: RcaInput = {
      ...input,
      graph: [...input.graph, { from: 'checkout-db', to: 'frontend' }, { from: 'checkout-db', to: 'checkout-db' }, { from: '', to: 'x' }],
    }
    const report = rankRootCauses(cyclic)
    expect(report.ranked[0]!.node).toBe('checkout-db')
    expect(report.warnings.join(' ')).toContain('2 edge(s) ignored')
  })

  it('works on an empty graph: only the alerting node can be named', () => {
    const report = rankRootCauses({ ...slowDatabase(), graph: [] })
    expect(report.ranked.map((c) => c.node)).toEqual(['frontend'])
  })

  it('ignores series of an unknown signal', () => {
    const input = slowDatabase()
    const series = new Map(input.series)
    series.set('frontend', new Map([...input.series.get('frontend')!, ['throughput' as RcaSignal, [{ at: 0, value: 1 }]]]))
    const report = rankRootCauses({ ...input, series })
    expect(report.ranked[0]!.node).toBe('checkout-db')
    expect(report.warnings.join(' ')).toContain('1 series of an unknown signal ignored')
  })

  it('accepts a single-point series without a crash', () => {
    const single = mapSeries(slowDatabase(), (_node, _signal, points) => points.slice(12, 13))
    const report = rankRootCauses(single)
    expect(report.status).toBe('no_alert_data')
  })
})
