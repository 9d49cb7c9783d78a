import { describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../src/core/telemetry/port'
import { GcpResponseInvalidError } from '../../../src/integrations/gcp/gcp-errors'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildTrace } from '../../fakes/gcp/fake-data-builders'
import { useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'

const MINUTE = 60_000
const end = new Date(Date.parse('2026-05-14T10:00:00Z'))
const start = new Date(end.getTime() - 20 * MINUTE)
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')

describe('Cloud Trace v1 through @googleapis/cloudtrace', () => {
  const gcp = useFakeGcp({ harness: { catalog }, reset: (fake) => fake.trace.controls.reset() })
  const telemetry = () => gcp.telemetry()

  it('lists the slowest complete traces through the service in the window', async () => {
    gcp.fake.trace.traces = [
      buildTrace('a1', end.getTime() - 5 * MINUTE, { service: 'payment-api', name: 'POST /v1/payments/authorize', ms: 3_200 }, [
        { service: 'fraud-check', name: 'fraud.v1.Check', from: 100, to: 3_000 },
      ]),
      buildTrace('a2', end.getTime() - 4 * MINUTE, { service: 'payment-api', name: 'POST /v1/payments/authorize', ms: 800 }),
      buildTrace('a3', end.getTime() - 3 * MINUTE, { service: 'payment-api', name: 'POST /v1/payments/authorize', ms: 90 }),
      buildTrace('b1', end.getTime() - 2 * MINUTE, { service: 'cart', name: 'GET /v1/carts/{id}', ms: 5_000 }),
      buildTrace('a4', start.getTime() - MINUTE, { service: 'payment-api', name: 'POST /v1/payments/authorize', ms: 9_000 }),
    ]
    const traces = await telemetry().traces({ service: 'payment-api', start, end, minLatencyMs: 500, limit: 10 })
    expect(gcp.fake.trace.controls.callsTo('ListTraces')[0]!.request).toEqual({
      startTime: '2026-05-14T09:40:00.000Z',
      endTime: '2026-05-14T10:00:00.000Z',
      filter: '+service.name:payment-api latency:500ms',
      orderBy: 'duration desc',
      pageSize: '100',
      view: 'COMPLETE',
    })
    expect(traces).toEqual([
      {
        traceId: 'a1',
        rootService: 'payment-api',
        latencyMs: 3_200,
        startedAt: new Date(end.getTime() - 5 * MINUTE),
        spans: [
          { service: 'fraud-check', name: 'fraud.v1.Check', latencyMs: 2_900 },
          { service: 'payment-api', name: 'POST /v1/payments/authorize', latencyMs: 300 },
        ],
      },
      {
        traceId: 'a2',
        rootService: 'payment-api',
        latencyMs: 800,
        startedAt: new Date(end.getTime() - 4 * MINUTE),
        spans: [{ service: 'payment-api', name: 'POST /v1/payments/authorize', latencyMs: 800 }],
      },
    ])
  })

  it('prefers traces rooted at the service, and falls back to traces passing through it', async () => {
    gcp.fake.trace.traces = [
      buildTrace('c1', end.getTime() - 5 * MINUTE, { service: 'checkout-api', name: 'POST /v1/checkout', ms: 8_000 }, [
        { service: 'payment-api', name: 'POST /v1/payments/authorize', from: 10, to: 900 },
      ]),
      buildTrace('p1', end.getTime() - 4 * MINUTE, { service: 'payment-api', name: 'POST /v1/payments/authorize', ms: 700 }),
      buildTrace('f1', end.getTime() - 3 * MINUTE, { service: 'payment-api', name: 'POST /v1/payments/authorize', ms: 600 }, [
        { service: 'fraud-check', name: 'fraud.v1.Check', from: 10, to: 500 },
      ]),
    ]
    expect((await telemetry().traces({ service: 'payment-api', start, end })).map((t) => t.traceId)).toEqual(['p1', 'f1'])
    expect((await telemetry().traces({ service: 'fraud-check', start, end })).map((t) => t.traceId)).toEqual(['f1'])
  })

  it('pages at most 100 complete traces and stops at the limit', async () => {
    gcp.fake.trace.traces = Array.from({ length: 250 }, (_, i) =>
      buildTrace(`t${i}`, end.getTime() - MINUTE - i * 1_000, { service: 'payment-api', name: 'GET /', ms: 1_000 + i }),
    )
    const traces = await telemetry().traces({ service: 'payment-api', start, end, limit: 150 })
    expect(traces).toHaveLength(150)
    expect(traces[0]!.traceId).toBe('t249')
    const pages = gcp.fake.trace.controls.callsTo('ListTraces').map((c) => c.request as { pageSize: string; pageToken?: string })
    expect(pages.map((p) => p.pageSize)).toEqual(['100', '100'])
    expect(pages[1]!.pageToken).toBeTruthy()
  })

  it('gets one trace by id', async () => {
    gcp.fake.trace.traces = [buildTrace('0af7651916cd43dd8448eb211c80319c', end.getTime() - MINUTE, { service: 'cart', name: 'GET /v1/carts/{id}', ms: 40 })]
    const trace = await telemetry().trace('0af7651916cd43dd8448eb211c80319c')
    expect(trace).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', rootService: 'cart', latencyMs: 40 })
    expect(gcp.fake.trace.controls.callsTo('GetTrace')).toHaveLength(1)
    await expect(telemetry().trace('not-hex')).rejects.toThrow(TelemetryQueryError)
    // An id from a log line whose request was not sampled: no such trace, not a failure.
    expect(await telemetry().trace('00000000000000000000000000000001')).toBeNull()
    expect(gcp.fake.trace.controls.callsTo('GetTrace')).toHaveLength(2)
    gcp.fake.trace.controls.failNext({ status: 'PERMISSION_DENIED', message: 'The caller does not have permission' })
    await expect(telemetry().trace('00000000000000000000000000000002')).rejects.toThrow('Cloud Trace: PERMISSION_DENIED: The caller does not have permission')
  })

  it('samples whole traces of every service for the blueprint: kinds, inherited services, failures and the attributes it reads', async () => {
    const at = end.getTime() - 10 * MINUTE
    gcp.fake.trace.traces = [
      {
        traceId: 'b1',
        spans: [
          {
            spanId: '1',
            name: 'POST /v1/checkout',
            startMs: at,
            endMs: at + 300,
            labels: { 'service.name': 'checkout-api', '/http/url': 'https://x/?token=secret' },
          },
          {
            spanId: '2',
            parentSpanId: '1',
            name: 'publish orders',
            startMs: at + 10,
            endMs: at + 20,
            kind: 'SPAN_KIND_UNSPECIFIED',
            labels: { 'messaging.system': 'gcp_pubsub', 'messaging.operation': 'publish', 'messaging.destination.name': 'orders' },
          },
          { spanId: '3', parentSpanId: '1', name: 'POST /v1/payments', startMs: at + 30, endMs: at + 130, labels: { '/http/status_code': '503' } },
          {
            spanId: '4',
            parentSpanId: '3',
            name: 'authorize',
            startMs: at + 35,
            endMs: at + 120,
            kind: 'RPC_SERVER',
            labels: { 'service.name': 'payment-api' },
          },
        ],
      },
    ]
    const [trace] = await telemetry().sampleTraces({ start, end, limit: 50 })
    expect(trace!.spans.map((s) => [s.spanId, s.service, s.kind, s.error])).toEqual([
      ['1', 'checkout-api', 'server', false],
      ['2', 'checkout-api', 'producer', false],
      ['3', 'checkout-api', 'client', true],
      ['4', 'payment-api', 'server', false],
    ])
    // Only the attributes that name the other end are kept (no URLs with their query strings).
    expect(trace!.spans[0]!.attributes).toEqual({})
    expect(trace!.spans[1]!.attributes).toEqual({ 'messaging.system': 'gcp_pubsub', 'messaging.operation': 'publish', 'messaging.destination.name': 'orders' })
    expect(trace!.spans[2]!.durationMs).toBe(100)
    const [call] = gcp.fake.trace.controls.callsTo('ListTraces')
    expect(call!.request).toMatchObject({ view: 'COMPLETE', pageSize: '100' })
    expect(call!.request).not.toHaveProperty('filter')
  })

  it('reports an answer of an unexpected shape as invalid', async () => {
    gcp.fake.trace.controls.answerMalformedNext()
    await expect(telemetry().traces({ service: 'payment-api', start, end })).rejects.toBeInstanceOf(GcpResponseInvalidError)
  })
})
