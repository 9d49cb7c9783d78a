import { describe, expect, it } from 'vitest'
import { assessMetricSeries, describeMetricWarning } from '../../../../../src/core/analysis/scan/metric-warnings'
import type { MetricKind, MetricSeries } from '../../../../../src/core/telemetry/port'
import { gaussian, seededRandom } from '../../../../support/series-builders'

const NOW = new Date('2026-03-10T14:00:00Z')
const MINUTE = 60_000

/** Four hours at one point a minute ending at NOW; `valueAt` gets minutes before NOW. */
function series(metric: MetricKind, valueAt: (minutesAgo: number) => number, noise: number, unit = 'ratio'): MetricSeries {
  const random = seededRandom(11)
  return {
    service: 'checkout-db',
    metric,
    unit,
    points: Array.from({ length: 241 }, (_, i) => ({ at: new Date(NOW.getTime() - (240 - i) * MINUTE), value: valueAt(240 - i) + noise * gaussian(random) })),
  }
}
const options = { now: NOW, recentMinutes: 6, horizonMinutes: 30 }

describe('assessMetricSeries', () => {
  it('warns of a rise that started in the last minutes, naming its onset and score', () => {
    const [warning, ...rest] = assessMetricSeries(
      series('latency_p95_ms', (ago) => (ago <= 4 ? 900 : 120), 6, 'ms'),
      options,
    )
    expect(rest).toEqual([])
    expect(warning).toMatchObject({
      kind: 'anomaly',
      service: 'checkout-db',
      metric: 'latency_p95_ms',
      onsetAt: new Date(NOW.getTime() - 4 * MINUTE),
      score: 1,
    })
    expect(describeMetricWarning(warning!)).toMatch(/^checkout-db latency_p95_ms anomalous since 13:56 UTC, score 1\.00: 9\d\d ms vs 1\d\d ms before$/)
  })

  it('still warns while the rise lasts, with its first onset', () => {
    const [warning] = assessMetricSeries(
      series('error_rate', (ago) => (ago <= 40 ? 0.08 : 0.002), 0.0004),
      options,
    )
    expect(warning).toMatchObject({ kind: 'anomaly', onsetAt: new Date(NOW.getTime() - 40 * MINUTE) })
    expect(describeMetricWarning(warning!)).toContain('8% vs 0.2')
  })

  it('does not warn of a spike that is over, a drop, or a normal noisy series', () => {
    expect(
      assessMetricSeries(
        series('latency_p95_ms', (ago) => (ago === 2 ? 900 : 120), 6, 'ms'),
        options,
      ),
    ).toEqual([])
    expect(
      assessMetricSeries(
        series('latency_p95_ms', (ago) => (ago <= 4 ? 20 : 120), 6, 'ms'),
        options,
      ),
    ).toEqual([])
    expect(
      assessMetricSeries(
        series('latency_p95_ms', (ago) => (ago >= 30 && ago <= 40 ? 900 : 120), 6, 'ms'),
        options,
      ),
    ).toEqual([])
    expect(
      assessMetricSeries(
        series('cpu_utilization', () => 0.4, 0.02),
        options,
      ),
    ).toEqual([])
  })

  it('forecasts saturation of a saturation metric only', () => {
    const rising = (ago: number) => (ago > 30 ? 0.18 : 0.78 - 0.02 * ago)
    const [saturation] = assessMetricSeries(series('db_connections_used_ratio', rising, 0.003), options).filter((w) => w.kind === 'saturation')
    expect(saturation).toMatchObject({ kind: 'saturation', metric: 'db_connections_used_ratio' })
    expect(describeMetricWarning(saturation!)).toMatch(/^checkout-db connections at 7\d%, rising 2(\.\d)?%\/min: full in ~1[01] min \(14:1\d UTC\)$/)
    expect(assessMetricSeries(series('cpu_utilization', rising, 0.003), options).filter((w) => w.kind === 'saturation')).toEqual([])
  })

  it('scores nothing it cannot read: an empty series, NaN points', () => {
    expect(assessMetricSeries({ service: 's', metric: 'error_rate', unit: 'ratio', points: [] }, options)).toEqual([])
    const holed = series('latency_p95_ms', (ago) => (ago <= 4 ? 900 : 120), 6, 'ms')
    holed.points[100]!.value = NaN
    holed.points[238]!.value = NaN
    expect(assessMetricSeries(holed, options).map((w) => w.kind)).toEqual(['anomaly'])
  })
})
