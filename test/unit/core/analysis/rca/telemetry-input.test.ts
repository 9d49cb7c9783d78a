import { describe, expect, it } from 'vitest'
import { InvalidRcaInputError } from '../../../../../src/core/analysis/rca/invalid-rca-input-error'
import { rankRootCauses } from '../../../../../src/core/analysis/rca/rank-root-causes'
import { alertSignalOf, gatherRcaInput, rcaInputFromTelemetry } from '../../../../../src/core/analysis/rca/telemetry-input'
import type { MetricKind, MetricSeries } from '../../../../../src/core/telemetry/port'
import { SyntheticTelemetry } from '../../../../../src/integrations/telemetry/synthetic'
import { CountingTelemetry } from '../../../../fakes/counting-telemetry'

const T0 = Date.parse('2024-05-06T12:00:00Z')
const MIN = 60_000
const metric = (service: string, kind: MetricKind, values: number[], unit = ''): MetricSeries => ({
  service,
  metric: kind,
  unit,
  points: values.map((value, i) => ({ at: new Date(T0 + i * MIN), value })),
})

describe('rcaInputFromTelemetry', () => {
  const input = rcaInputFromTelemetry({
    services: [
      { name: 'api', dependsOn: ['db', 'cache'] },
      { name: 'db', dependsOn: [] },
    ],
    series: [
      metric('api', 'latency_p95_ms', [100, 110]),
      metric('api', 'request_rate', [10, 12], 'req/s'),
      metric('api', 'error_rate', [0.01, 0.02], 'ratio'),
      metric('db', 'cpu_utilization', [0.3, 0.5]),
      metric('db', 'db_connections_used_ratio', [0.6, 0.4]),
      metric('db', 'pubsub_backlog', [5, 6]),
    ],
    alert: { service: 'api', metric: 'latency_p95_ms', at: new Date(T0 + MIN) },
  })

  it('turns services() into call edges', () => {
    expect(input.graph).toEqual([
      { from: 'api', to: 'db' },
      { from: 'api', to: 'cache' },
    ])
  })

  it('turns request rates per second into requests per point', () => {
    expect(
      input.series
        .get('api')!
        .get('requests')!
        .map((p) => p.value),
    ).toEqual([600, 720])
  })

  it('merges utilisation ratios into one saturation series, the most constrained resource at each point', () => {
    expect(
      input.series
        .get('db')!
        .get('saturation')!
        .map((p) => p.value),
    ).toEqual([0.6, 0.5])
  })

  it('maps the alert and says the latency is a p95', () => {
    expect(input.alert).toEqual({ node: 'api', signal: 'latency', at: T0 + MIN })
    expect(input.latencyStatistic).toEqual({ kind: 'quantile', q: 0.95 })
  })

  it('refuses alerts it cannot localise, with a stable code', () => {
    expect(alertSignalOf('cpu_utilization')).toBeNull()
    expect(() => rcaInputFromTelemetry({ services: [], series: [], alert: { service: 'db', metric: 'cpu_utilization', at: new Date(T0) } })).toThrow(
      InvalidRcaInputError,
    )
  })
})

describe('gatherRcaInput with the synthetic fleet', () => {
  const now = new Date('2024-05-06T14:00:00Z')
  const options = (at: Date) => ({
    beforeMinutes: 60,
    afterMinutes: 15,
    stepSeconds: 60,
    now,
    history: { start: new Date(at.getTime() - 24 * 60 * MIN), end: new Date(at.getTime() - 60 * MIN) },
  })

  it('finds a slow dependency two calls below the alerting frontend', async () => {
    const start = new Date(now.getTime() - 25 * MIN)
    const telemetry = new SyntheticTelemetry({ seed: 7, injections: [{ kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start }] })
    const at = new Date(start.getTime() + 5 * MIN)
    const { input, skipped } = await gatherRcaInput(telemetry, { service: 'frontend', metric: 'latency_p95_ms', at }, options(at))
    expect(skipped.length).toBeGreaterThan(0)
    expect(input.series.has('fraud-check')).toBe(true)
    const report = rankRootCauses(input)
    expect(report.ranked[0]!.node).toBe('fraud-check')
    expect(report.ranked[0]!.path.map((s) => s.node)).toEqual(['frontend', 'checkout-api', 'payment-api', 'fraud-check'])
  })

  it('finds a database out of connections from the errors of its caller', async () => {
    const start = new Date(now.getTime() - 15 * MIN)
    const telemetry = new SyntheticTelemetry({ seed: 7, injections: [{ kind: 'connection-pool-exhaustion', service: 'checkout-db', start }] })
    const at = new Date(start.getTime() + 5 * MIN)
    const report = rankRootCauses((await gatherRcaInput(telemetry, { service: 'checkout-api', metric: 'error_rate', at }, options(at))).input)
    expect(report.ranked[0]!.node).toBe('checkout-db')
  })

  it('says nothing is wrong when nothing was injected', async () => {
    const telemetry = new SyntheticTelemetry({ seed: 7 })
    const at = new Date(now.getTime() - 10 * MIN)
    const report = rankRootCauses((await gatherRcaInput(telemetry, { service: 'frontend', metric: 'latency_p95_ms', at }, options(at))).input)
    expect(report.status).toBe('alert_not_anomalous')
  })
})

describe('gatherRcaInput asks each series once when the history adjoins the recent window', () => {
  const now = new Date('2024-05-06T14:00:00Z')
  const at = new Date(now.getTime() - 10 * MIN)
  const synthetic = new SyntheticTelemetry({
    seed: 7,
    injections: [{ kind: 'connection-pool-exhaustion', service: 'checkout-db', start: new Date(at.getTime() - 5 * MIN) }],
  })
  const alert = { service: 'checkout-api', metric: 'error_rate' as const, at }
  const options = (historyEndMinutes: number) => ({
    beforeMinutes: 60,
    afterMinutes: 30,
    stepSeconds: 60,
    now,
    history: { start: new Date(at.getTime() - 240 * MIN), end: new Date(at.getTime() - historyEndMinutes * MIN) },
  })

  it('with one query covering both windows, cut in two, and the same input as two queries give', async () => {
    const once = new CountingTelemetry(synthetic)
    const twice = new CountingTelemetry(synthetic, { hideGrid: true })
    const cut = await gatherRcaInput(once, alert, options(60))
    const asked = await gatherRcaInput(twice, alert, options(60))
    expect(cut).toEqual(asked)
    expect(cut.input.history!.get('checkout-db')!.get('saturation')!.length).toBe(181)
    expect([...once.queriesPerSeries().values()].every((n) => n === 1)).toBe(true)
    expect(once.metricQueries.every((q) => q.start.getTime() === at.getTime() - 240 * MIN && q.end.getTime() === now.getTime())).toBe(true)
    expect(twice.metricQueries).toHaveLength(2 * once.metricQueries.length)
  })

  it('with a query per window when the history ends well before the recent window', async () => {
    const counting = new CountingTelemetry(synthetic)
    await gatherRcaInput(counting, alert, options(120))
    expect([...counting.queriesPerSeries().values()].every((n) => n === 2)).toBe(true)
  })
})
