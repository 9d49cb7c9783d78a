import { describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../src/core/telemetry/port'
import { GcpResponseInvalidError } from '../../../src/integrations/gcp/gcp-errors'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildSeries } from '../../fakes/gcp/fake-data-builders'
import { useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'

const MINUTE = 60_000
const end = new Date(Date.parse('2026-05-14T10:00:00Z'))
const start = new Date(end.getTime() - 30 * MINUTE)
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')
const paymentLabels = { container_name: 'payment-api', namespace_name: 'payments' }

describe('Cloud Monitoring through MetricServiceClient', () => {
  const gcp = useFakeGcp({
    harness: { catalog },
    reset(fake) {
      fake.monitoring.controls.reset()
      fake.monitoring.maxPointsPerPage = Infinity
    },
  })
  const telemetry = () => gcp.telemetry()

  it('asks for one aligned, reduced series of the service resource over the window', async () => {
    gcp.fake.monitoring.series = [buildSeries({ resourceLabels: paymentLabels, valueAt: (t) => (t > end.getTime() - 10 * MINUTE ? 2_400 : 180) })]
    const series = await telemetry().metrics({ service: 'payment-api', metric: 'latency_p95_ms', start, end, stepSeconds: 60 })
    const [call] = gcp.fake.monitoring.controls.callsTo('ListTimeSeries')
    expect(call!.request).toEqual({
      name: 'projects/shop-prod',
      filter:
        'metric.type = "istio.io/service/server/response_latencies" AND resource.type = "k8s_container" AND resource.labels.container_name = "payment-api" AND resource.labels.namespace_name = "payments"',
      interval: { startTime: { seconds: String(start.getTime() / 1000) }, endTime: { seconds: String(end.getTime() / 1000) } },
      aggregation: { alignmentPeriod: { seconds: '60' }, perSeriesAligner: 'ALIGN_DELTA', crossSeriesReducer: 'REDUCE_PERCENTILE_95' },
      view: 'FULL',
      pageSize: 100000,
    })
    expect(series).toMatchObject({ service: 'payment-api', metric: 'latency_p95_ms', unit: 'ms' })
    expect(series.points).toHaveLength(30)
    expect(series.points[0]!.at < series.points[29]!.at).toBe(true)
    expect(series.points.at(-1)).toEqual({ at: end, value: 2_400 })
    expect(series.points[0]!.value).toBe(180)
  })

  it('aligns to at least a minute and widens the interval to whole steps', async () => {
    gcp.fake.monitoring.series = [buildSeries({ resourceLabels: paymentLabels })]
    await telemetry().metrics({
      service: 'payment-api',
      metric: 'latency_p95_ms',
      start: new Date(start.getTime() + 12_000),
      end: new Date(end.getTime() - 20_000),
      stepSeconds: 15,
    })
    const request = gcp.fake.monitoring.controls.callsTo('ListTimeSeries')[0]!.request as { interval: unknown; aggregation: { alignmentPeriod: unknown } }
    expect(request.aggregation.alignmentPeriod).toEqual({ seconds: '60' })
    expect(request.interval).toEqual({ startTime: { seconds: String(start.getTime() / 1000) }, endTime: { seconds: String(end.getTime() / 1000) } })
  })

  it('computes a ratio metric from two requests, errors over all', async () => {
    gcp.fake.monitoring.series = [
      buildSeries({
        metricType: 'run.googleapis.com/request_count',
        resourceType: 'cloud_run_revision',
        resourceLabels: { service_name: 'fraud-check' },
        metricLabels: { response_code_class: '5xx' },
        valueAt: () => 30,
      }),
      buildSeries({
        metricType: 'run.googleapis.com/request_count',
        resourceType: 'cloud_run_revision',
        resourceLabels: { service_name: 'fraud-check' },
        metricLabels: { response_code_class: '2xx' },
        valueAt: () => 570,
      }),
    ]
    const series = await telemetry().metrics({ service: 'fraud-check', metric: 'error_rate', start, end })
    const filters = gcp.fake.monitoring.controls.callsTo('ListTimeSeries').map((c) => (c.request as { filter: string }).filter)
    expect(filters).toHaveLength(2)
    expect(filters).toContain(
      'metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision" AND resource.labels.service_name = "fraud-check" AND metric.labels.response_code_class = "5xx"',
    )
    expect(filters).toContain(
      'metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision" AND resource.labels.service_name = "fraud-check"',
    )
    expect(series.unit).toBe('ratio')
    expect(series.points.every((p) => Math.abs(p.value - 0.05) < 1e-9)).toBe(true)
  })

  it('scales what the API reports into the unit of the port', async () => {
    gcp.fake.monitoring.series = [
      buildSeries({
        metricType: 'cloudsql.googleapis.com/database/postgresql/num_backends',
        resourceType: 'cloudsql_database',
        resourceLabels: { database_id: 'shop-prod:checkout-db' },
        valueAt: () => 190,
      }),
    ]
    const series = await telemetry().metrics({ service: 'checkout-db', metric: 'db_connections_used_ratio', start, end })
    expect(series.points.at(-1)!.value).toBeCloseTo(0.95)
  })

  it('follows page tokens until the series is complete', async () => {
    gcp.fake.monitoring.series = [buildSeries({ resourceLabels: paymentLabels, valueAt: (t) => t / MINUTE })]
    gcp.fake.monitoring.maxPointsPerPage = 7
    const series = await telemetry().metrics({ service: 'payment-api', metric: 'latency_p95_ms', start, end })
    const calls = gcp.fake.monitoring.controls.callsTo('ListTimeSeries')
    expect(calls).toHaveLength(5)
    expect((calls[1]!.request as { pageToken?: string }).pageToken).toBeTruthy()
    expect(series.points.map((p) => p.value)).toEqual(Array.from({ length: 30 }, (_, i) => start.getTime() / MINUTE + i + 1))
  })

  it('says which metric type the API does not know, as a query error', async () => {
    gcp.fake.monitoring.series = [buildSeries({ metricType: 'custom.googleapis.com/other' })]
    const err = await telemetry()
      .metrics({ service: 'payment-api', metric: 'latency_p95_ms', start, end })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TelemetryQueryError)
    expect((err as Error).message).toMatch(
      /Cloud Monitoring rejected listTimeSeries filter metric\.type = "istio\.io\/service\/server\/response_latencies".*Cannot find metric\(s\) that match type/,
    )
  })

  it('refuses a metric the service has no mapping for without calling the API', async () => {
    const err = await telemetry()
      .metrics({ service: 'checkout-db', metric: 'memory_utilization', start, end })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TelemetryQueryError)
    expect((err as Error).message).toMatch(/^checkout-db \(cloudsql_database\) has no Cloud Monitoring metric for memory_utilization; mapped: /)
    const bogus = await telemetry()
      .metrics({ service: 'payment-api', metric: 'p99' as never, start, end })
      .catch((e: unknown) => e)
    expect((bogus as Error).message).toMatch(/^unknown metric "p99"/)
    const backwards = await telemetry()
      .metrics({ service: 'payment-api', metric: 'latency_p95_ms', start: end, end: start })
      .catch((e: unknown) => e)
    expect(backwards).toBeInstanceOf(TelemetryQueryError)
    expect(gcp.fake.monitoring.controls.calls).toHaveLength(0)
  })

  it('reports an answer of an unexpected shape as invalid, not as data', async () => {
    gcp.fake.monitoring.series = [buildSeries({ resourceLabels: paymentLabels })]
    gcp.fake.monitoring.controls.answerMalformedNext()
    const err = await telemetry()
      .metrics({ service: 'payment-api', metric: 'latency_p95_ms', start, end })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GcpResponseInvalidError)
    expect((err as GcpResponseInvalidError).code).toBe('gcp_response_invalid')
    expect((err as Error).message).toMatch(/^Cloud Monitoring listTimeSeries answered in an unexpected shape: timeSeries\.0\.points\.0\.interval\.endTime/)
  })
})
