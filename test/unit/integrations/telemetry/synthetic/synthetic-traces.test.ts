import { describe, expect, it } from 'vitest'
import { createDemoFleet, SyntheticTelemetry } from '../../../../../src/integrations/telemetry/synthetic'
import { NOW, windowBeforeNow } from '../../../../support/fleet-fixtures'

describe('SyntheticTelemetry traces', () => {
  const fleet = createDemoFleet(NOW)

  it('points the slowest span of slow payment-api traces at fraud-check during the incident', async () => {
    const traces = await fleet.traces({ service: 'payment-api', ...windowBeforeNow(15), limit: 20 })
    expect(traces).toHaveLength(20)
    for (const trace of traces) {
      expect(trace.rootService).toBe('payment-api')
      expect(trace.latencyMs).toBeGreaterThanOrEqual(2000)
      expect(trace.spans[0]!.service).toBe('fraud-check')
    }
  })

  it('keeps payment-api itself as the slowest span before the incident', async () => {
    const traces = await fleet.traces({ service: 'payment-api', ...windowBeforeNow(120, 30), limit: 50 })
    expect(traces.length).toBeGreaterThan(0)
    expect(traces.every((t) => t.latencyMs < 1000)).toBe(true)
    expect(traces.filter((t) => t.spans[0]!.service === 'payment-api').length).toBeGreaterThan(traces.length / 2)
  })

  it('orders traces slowest first and spans slowest first, honouring minLatencyMs and limit', async () => {
    const traces = await fleet.traces({ service: 'frontend', ...windowBeforeNow(60), minLatencyMs: 1000, limit: 30 })
    expect(traces.length).toBeGreaterThan(0)
    expect(traces.length).toBeLessThanOrEqual(30)
    for (let i = 1; i < traces.length; i++) expect(traces[i - 1]!.latencyMs).toBeGreaterThanOrEqual(traces[i]!.latencyMs)
    for (const trace of traces) {
      expect(trace.latencyMs).toBeGreaterThanOrEqual(1000)
      for (let i = 1; i < trace.spans.length; i++) expect(trace.spans[i - 1]!.latencyMs).toBeGreaterThanOrEqual(trace.spans[i]!.latencyMs)
    }
  })

  it('follows the call graph: a frontend trace reaches checkout-api, payment-api, fraud-check and checkout-db', async () => {
    const [trace] = await new SyntheticTelemetry().traces({ service: 'frontend', ...windowBeforeNow(5), limit: 1 })
    expect(new Set(trace!.spans.map((s) => s.service))).toEqual(
      new Set(['frontend', 'checkout-api', 'payment-api', 'fraud-check', 'checkout-db', 'cart', 'inventory', 'pubsub']),
    )
  })

  it('charges checkout-api pool waits to checkout-db while the database is exhausted', async () => {
    const traces = await fleet.traces({ service: 'checkout-api', ...windowBeforeNow(8), limit: 10 })
    for (const trace of traces) expect(trace.spans[0]!.service).toBe('checkout-db')
  })

  it('links log lines to sampled traces', async () => {
    const entries = await fleet.logs({ service: 'payment-api', ...windowBeforeNow(10), contains: 'timed out', limit: 200 })
    const traces = await fleet.traces({ service: 'payment-api', ...windowBeforeNow(10), limit: 1_000 })
    const ids = new Set(traces.map((t) => t.traceId))
    expect(entries.some((e) => e.traceId !== undefined && ids.has(e.traceId))).toBe(true)
  })
})
