import { describe, expect, it } from 'vitest'
import { MetricSeriesReuse } from '../../../../src/core/telemetry/metric-series-reuse'
import { MetricNotExportedError, type MetricQuery, type MetricSeries } from '../../../../src/core/telemetry/port'
import { sliceMetricSeries } from '../../../../src/core/telemetry/slice-metric-series'
import { GcpConsoleLinks } from '../../../../src/integrations/gcp/console-links'
import { SyntheticTelemetry } from '../../../../src/integrations/telemetry/synthetic'
import { CountingTelemetry } from '../../../fakes/counting-telemetry'
import { ScriptedTelemetry } from '../../../fakes/scripted-telemetry'

const MIN = 60_000
const now = new Date('2026-03-10T14:00:00Z')
const at = (minutesAgo: number, seconds = 0) => new Date(now.getTime() - minutesAgo * MIN + seconds * 1000)
const latency = (start: Date, end: Date, stepSeconds = 60): MetricQuery => ({ service: 'checkout-api', metric: 'latency_p95_ms', start, end, stepSeconds })

function reuseOverSynthetic(options: { hideGrid?: boolean } = {}) {
  const synthetic = new SyntheticTelemetry({ seed: 7, injections: [{ kind: 'connection-pool-exhaustion', service: 'checkout-db', start: at(20) }] })
  const counting = new CountingTelemetry(synthetic, options)
  return { synthetic, counting, reuse: new MetricSeriesReuse(counting) }
}

describe('MetricSeriesReuse: one analysis asks each series once', () => {
  describe('a window inside one already asked, at the same step', () => {
    it('is cut from the earlier answer without a call, and gives exactly what the provider answers for it', async () => {
      const { synthetic, counting, reuse } = reuseOverSynthetic()
      await reuse.metrics(latency(at(250, 17), at(0)))
      // Unaligned edges, edges on the grid, one point, and the whole window again.
      const windows: Array<[Date, Date]> = [
        [at(60), at(0)],
        [at(240, 30), at(60, 45)],
        [at(90, 1), at(89, 59)],
        [at(30), at(30)],
        [at(250, 17), at(0)],
        [at(45, 10), at(44, 50)],
      ]
      for (const [start, end] of windows) {
        expect(await reuse.metrics(latency(start, end))).toEqual(await synthetic.metrics(latency(start, end)))
      }
      expect(counting.metricQueries).toHaveLength(1)
      expect(reuse.metricQueriesSent).toBe(1)
    })

    it('is cut from an answer still on its way, which is waited for', async () => {
      const { synthetic, counting, reuse } = reuseOverSynthetic()
      const [wide, narrow] = await Promise.all([reuse.metrics(latency(at(240), at(0))), reuse.metrics(latency(at(60), at(30)))])
      expect(counting.metricQueries).toHaveLength(1)
      expect(wide).toEqual(await synthetic.metrics(latency(at(240), at(0))))
      expect(narrow).toEqual(await synthetic.metrics(latency(at(60), at(30))))
    })

    it('hands each asker its own list of points', async () => {
      const { reuse } = reuseOverSynthetic()
      const first = await reuse.metrics(latency(at(60), at(0)))
      first.points.length = 0
      expect((await reuse.metrics(latency(at(60), at(0)))).points).toHaveLength(61)
    })
  })

  describe('asks the provider', () => {
    it('for a wider window, and then cuts from the wider one', async () => {
      const { counting, reuse } = reuseOverSynthetic()
      await reuse.metrics(latency(at(60), at(0)))
      await reuse.metrics(latency(at(120), at(0)))
      await reuse.metrics(latency(at(61), at(30)))
      await reuse.metrics(latency(at(30), at(-5)))
      expect(counting.metricQueries.map((q) => [q.start, q.end])).toEqual([
        [at(60), at(0)],
        [at(120), at(0)],
        [at(30), at(-5)],
      ])
    })

    it('for another step, metric or service', async () => {
      const { counting, reuse } = reuseOverSynthetic()
      await reuse.metrics(latency(at(60), at(0)))
      await reuse.metrics(latency(at(30), at(0), 120))
      await reuse.metrics({ ...latency(at(30), at(0)), metric: 'error_rate' })
      await reuse.metrics({ ...latency(at(30), at(0)), service: 'frontend' })
      expect(counting.metricQueries).toHaveLength(4)
    })

    it('again after a failure, which is not remembered', async () => {
      const { counting, reuse } = reuseOverSynthetic()
      counting.failNextMetrics(new Error('UNAVAILABLE'))
      await expect(reuse.metrics(latency(at(60), at(0)))).rejects.toThrow('UNAVAILABLE')
      expect((await reuse.metrics(latency(at(30), at(0)))).points).toHaveLength(31)
      expect(counting.metricQueries).toHaveLength(2)
    })

    it('for itself when the answer it waited for fails', async () => {
      const { counting, reuse } = reuseOverSynthetic()
      counting.failNextMetrics(new Error('UNAVAILABLE'))
      const [wide, narrow] = await Promise.allSettled([reuse.metrics(latency(at(60), at(0))), reuse.metrics(latency(at(30), at(0)))])
      expect(wide.status).toBe('rejected')
      expect(narrow.status === 'fulfilled' && narrow.value.points).toHaveLength(31)
      expect(counting.metricQueries).toHaveLength(2)
    })

    it('not again for a metric the service does not export, whatever the window', async () => {
      const { counting, reuse } = reuseOverSynthetic()
      const pubsubBacklog = (start: Date, end: Date) => ({ ...latency(start, end), service: 'checkout-db', metric: 'pubsub_backlog' as const })
      const refusals = await Promise.allSettled([reuse.metrics(pubsubBacklog(at(60), at(0))), reuse.metrics(pubsubBacklog(at(30), at(0)))])
      await expect(reuse.metrics(pubsubBacklog(at(240), at(0)))).rejects.toThrow('checkout-db does not export pubsub_backlog')
      expect(refusals.map((r) => r.status === 'rejected' && r.reason instanceof MetricNotExportedError)).toEqual([true, true])
      expect(counting.metricQueries).toHaveLength(1)
    })

    it('for a window it would refuse, so the provider says why', async () => {
      const { reuse } = reuseOverSynthetic()
      await reuse.metrics(latency(at(60), at(0)))
      await expect(reuse.metrics(latency(at(10), at(20)))).rejects.toThrow(/is before start/)
      await expect(reuse.metrics(latency(new Date(NaN), at(20)))).rejects.toThrow('start and end must be valid dates')
    })
  })

  it('coalesces identical queries asked together into one call', async () => {
    const { counting, reuse } = reuseOverSynthetic()
    const answers = await Promise.all(Array.from({ length: 5 }, () => reuse.metrics(latency(at(60), at(0)))))
    expect(counting.metricQueries).toHaveLength(1)
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
  })

  it('without the provider saying how it places points, reuses only the very same window', async () => {
    const scripted = new ScriptedTelemetry({ api: { metrics: { latency_p95_ms: (t) => t.getTime() % 7 } } })
    const reuse = new MetricSeriesReuse(scripted)
    const q = { ...latency(at(60, 30), at(0)), service: 'api' }
    await reuse.metrics(q)
    await reuse.metrics(q)
    expect(scripted.calls).toBe(1)
    // The scripted provider counts steps from the start asked, so a cut would not be what it answers.
    expect(await reuse.metrics({ ...q, start: at(30) })).toEqual(await scripted.metrics({ ...q, start: at(30) }))
    expect(scripted.calls).toBe(3)
  })

  it('passes logs, errors, traces and the service list through, and offers only the optional lookups the provider has', async () => {
    const { synthetic, reuse } = reuseOverSynthetic()
    const window = { service: 'checkout-api', start: at(15), end: at(0) }
    expect(await reuse.logs({ ...window, minSeverity: 'WARNING' })).toEqual(await synthetic.logs({ ...window, minSeverity: 'WARNING' }))
    expect(await reuse.errors(window)).toEqual(await synthetic.errors(window))
    expect(await reuse.traces(window)).toEqual(await synthetic.traces(window))
    expect(await reuse.services()).toEqual(await synthetic.services())
    expect(reuse.name).toBe('synthetic')
    expect(reuse.alertPolicy).toBeUndefined()
    const withPolicies = new MetricSeriesReuse({
      ...synthetic,
      name: 'gcp',
      metrics: (q) => synthetic.metrics(q),
      logs: async () => [],
      errors: async () => [],
      traces: async () => [],
      services: async () => [],
      alertPolicy: async ({ policyName }) => ({
        name: policyName,
        displayName: policyName,
        enabled: true,
        combiner: 'OR',
        conditions: [],
        documentation: null,
        userLabels: {},
        severity: null,
        notificationChannelCount: 0,
      }),
    })
    expect(await withPolicies.alertPolicy!({ policyName: 'p95' })).toMatchObject({ displayName: 'p95' })
  })

  it("passes the provider's console links through, and has none when it has none", () => {
    const links = new GcpConsoleLinks('shop-prod')
    const linked = new MetricSeriesReuse(new CountingTelemetry(new SyntheticTelemetry({ seed: 7, links })))
    expect(linked.links).toBe(links)
    expect(reuseOverSynthetic().reuse.links).toBeUndefined()
  })
})

describe('sliceMetricSeries on aligned periods (Cloud Monitoring)', () => {
  const series: MetricSeries = { service: 'api', metric: 'latency_p95_ms', unit: 'ms', points: [0, 1, 2, 3, 4, 5].map((i) => ({ at: at(5 - i), value: i })) }
  const grid = { points: 'period_end' as const, minStepSeconds: 60 }

  it('keeps the periods overlapping the window: after its start, and the one the end falls in', () => {
    expect(sliceMetricSeries(series, { start: at(4), end: at(2, 30) }, grid, 60).points.map((p) => p.value)).toEqual([2, 3, 4])
    expect(sliceMetricSeries(series, { start: at(4, -1), end: at(2) }, grid, 60).points.map((p) => p.value)).toEqual([1, 2, 3])
  })

  it("uses the provider's least step when a smaller one was asked", () => {
    expect(sliceMetricSeries(series, { start: at(4), end: at(2, 30) }, grid, 10).points.map((p) => p.value)).toEqual([2, 3, 4])
  })
})
