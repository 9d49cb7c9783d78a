import { beforeAll, describe, expect, it } from 'vitest'
import { MetricSeriesReuse } from '../../../src/core/telemetry/metric-series-reuse'
import type { MetricKind } from '../../../src/core/telemetry/port'
import { sliceMetricSeries } from '../../../src/core/telemetry/slice-metric-series'
import { createDemoFleet } from '../../../src/integrations/telemetry/synthetic'
import { CountingTelemetry } from '../../fakes/counting-telemetry'
import { useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'
import { serveSyntheticFleet, syntheticFleetCatalog } from '../../fakes/gcp/synthetic-gcp-source'

const MINUTE = 60_000
const catalog = syntheticFleetCatalog('shop-prod')

describe('a Cloud Monitoring series cut to a narrower window is what Cloud Monitoring answers for it', () => {
  const now = Math.floor(Date.now() / MINUTE) * MINUTE
  const at = (minutesAgo: number, seconds = 0) => new Date(now - minutesAgo * MINUTE + seconds * 1000)
  const gcp = useFakeGcp({ harness: { catalog } })
  beforeAll(async () => {
    await serveSyntheticFleet(gcp.fake, createDemoFleet(new Date(now)), catalog, now)
  })

  // Latency is one aligned series; the error rate a ratio of two; edges on and off the minute.
  for (const [service, metric] of [
    ['payment-api', 'latency_p95_ms'],
    ['checkout-api', 'error_rate'],
  ] as Array<[string, MetricKind]>) {
    it(`for ${service} ${metric}`, async () => {
      const telemetry = gcp.telemetry()
      const wide = await telemetry.metrics({ service, metric, start: at(250, 17), end: at(0, -20), stepSeconds: 60 })
      expect(wide.points.length).toBeGreaterThan(200)
      const windows: Array<[Date, Date]> = [
        [at(70), at(0, -20)],
        [at(240), at(60)],
        [at(90, 1), at(88, 59)],
        [at(30, 30), at(30, 30)],
        [at(250, 17), at(0, -20)],
      ]
      for (const [start, end] of windows) {
        const asked = await telemetry.metrics({ service, metric, start, end, stepSeconds: 60 })
        expect(asked.points.length).toBeGreaterThan(0)
        expect(sliceMetricSeries(wide, { start, end }, telemetry.metricGrid, 60)).toEqual(asked)
      }
    })
  }

  it('so an analysis reading through MetricSeriesReuse asks it once and gets the same answers', async () => {
    const telemetry = gcp.telemetry()
    const counting = new CountingTelemetry(telemetry)
    const reuse = new MetricSeriesReuse(counting)
    const query = { service: 'payment-api', metric: 'latency_p95_ms' as const, stepSeconds: 60 }
    await reuse.metrics({ ...query, start: at(250, 17), end: at(0) })
    const cut = await reuse.metrics({ ...query, start: at(70, 5), end: at(10, 30) })
    expect(counting.metricQueries).toHaveLength(1)
    expect(cut).toEqual(await telemetry.metrics({ ...query, start: at(70, 5), end: at(10, 30) }))
  })
})
