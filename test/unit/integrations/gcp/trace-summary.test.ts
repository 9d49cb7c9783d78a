import { describe, expect, it } from 'vitest'
import { summarizeTrace } from '../../../../src/integrations/gcp/cloud-trace-traces'

const at = (ms: number) => new Date(Date.parse('2026-05-14T10:00:00Z') + ms).toISOString()
const span = (spanId: string, name: string, start: number, end: number, parentSpanId: string | null, service?: string) => ({
  spanId,
  name,
  startTime: at(start),
  endTime: at(end),
  parentSpanId,
  labels: (service ? { 'service.name': service } : {}) as Record<string, string>,
})

describe('summarizeTrace', () => {
  const trace = {
    traceId: 'f00d',
    spans: [
      span('1', 'POST /v1/checkout', 0, 3_000, null, 'checkout-api'),
      span('2', 'POST /v1/payments/authorize', 100, 2_900, '1', 'payment-api'),
      span('3', 'fraud.v1.Check', 200, 2_700, '2', 'fraud-check'),
      span('4', 'SELECT checkout.cart_snapshots', 2_910, 2_990, '1'),
    ],
  }

  it('measures the trace end to end from its root and finds the slowest own time', () => {
    const summary = summarizeTrace(trace, 'service.name', 'checkout-api')!
    expect(summary).toMatchObject({ traceId: 'f00d', rootService: 'checkout-api', latencyMs: 3_000, startedAtMs: Date.parse('2026-05-14T10:00:00Z') })
    expect(summary.spans[0]).toEqual({ service: 'fraud-check', name: 'fraud.v1.Check', latencyMs: 2_500 })
  })

  it("subtracts children's time and gives an unlabelled span its parent's service", () => {
    const spans = summarizeTrace(trace, 'service.name', 'checkout-api')!.spans
    expect(spans).toContainEqual({ service: 'payment-api', name: 'POST /v1/payments/authorize', latencyMs: 300 })
    expect(spans).toContainEqual({ service: 'checkout-api', name: 'POST /v1/checkout', latencyMs: 120 })
    expect(spans).toContainEqual({ service: 'checkout-api', name: 'SELECT checkout.cart_snapshots', latencyMs: 80 })
  })

  it('redacts span names and skips traces without spans or without a root', () => {
    expect(summarizeTrace({ traceId: 'a', spans: [span('1', 'GET /reset?token=abc123', 0, 10, null)] }, 'service.name', 'x')!.spans[0]!.name).toBe(
      'GET /reset?token=[redacted]',
    )
    expect(summarizeTrace({ traceId: 'a', spans: [] }, 'service.name', 'x')).toBeNull()
    expect(summarizeTrace({ traceId: 'a', spans: [span('1', 'a', 0, 1, '2'), span('2', 'b', 0, 1, '1')] }, 'service.name', 'x')).toBeNull()
  })
})
