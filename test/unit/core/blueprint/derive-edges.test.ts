import { describe, expect, it } from 'vitest'
import { deriveEdges, percentile } from '../../../../src/core/blueprint/derive-edges'
import type { SpanTrace, TraceSpan } from '../../../../src/core/telemetry/port'

const T0 = Date.parse('2026-03-10T14:00:00Z')

function span(id: string, parent: string | null, service: string, kind: TraceSpan['kind'], overrides: Partial<TraceSpan> = {}): TraceSpan {
  return {
    spanId: id,
    parentSpanId: parent,
    service,
    name: `${service} ${kind}`,
    kind,
    startedAt: new Date(T0 + Number(id) * 1000),
    durationMs: 10,
    error: false,
    attributes: {},
    ...overrides,
  }
}

const trace = (traceId: string, ...spans: TraceSpan[]): SpanTrace => ({ traceId, spans })

describe('deriveEdges', () => {
  describe('calls between services', () => {
    it('makes a client span whose child runs in another service a call to that service', () => {
      const edges = deriveEdges([
        trace('a', span('1', null, 'cart', 'server'), span('2', '1', 'cart', 'client', { durationMs: 40 }), span('3', '2', 'inventory', 'server')),
      ])
      expect(edges).toEqual([expect.objectContaining({ from: 'cart', to: 'inventory', kind: 'call', calls: 1, errors: 0, p95Ms: 40 })])
    })

    it('counts calls and errors across traces and takes the p95 of the durations the caller saw', () => {
      const traces = Array.from({ length: 20 }, (_, i) =>
        trace(
          `t${i}`,
          span('1', null, 'checkout-api', 'server'),
          span('2', '1', 'checkout-api', 'client', { durationMs: i + 1, error: i < 3 }),
          span('3', '2', 'payment-api', 'server'),
        ),
      )
      const [edge] = deriveEdges(traces)
      expect(edge).toMatchObject({ from: 'checkout-api', to: 'payment-api', calls: 20, errors: 3, p95Ms: 19 })
    })

    it('counts a failing server under a client that saw no error as a failed call', () => {
      const [edge] = deriveEdges([trace('a', span('1', null, 'a', 'client'), span('2', '1', 'b', 'server', { error: true }))])
      expect(edge).toMatchObject({ from: 'a', to: 'b', errors: 1 })
    })

    it('makes a span entering a service under another service’s own span (no client span traced) a call', () => {
      const edges = deriveEdges([trace('a', span('1', null, 'frontend', 'server'), span('2', '1', 'cart', 'server'))])
      expect(edges).toEqual([expect.objectContaining({ from: 'frontend', to: 'cart', kind: 'call', calls: 1 })])
    })

    it('does not count a client → server pair twice', () => {
      const edges = deriveEdges([trace('a', span('1', null, 'a', 'server'), span('2', '1', 'a', 'client'), span('3', '2', 'b', 'server'))])
      expect(edges.map((e) => [e.from, e.to, e.calls])).toEqual([['a', 'b', 1]])
    })

    it('ignores spans within one service and a client span naming its own service', () => {
      const edges = deriveEdges([
        trace('a', span('1', null, 'a', 'server'), span('2', '1', 'a', 'internal'), span('3', '2', 'a', 'client', { attributes: { 'peer.service': 'a' } })),
      ])
      expect(edges).toEqual([])
    })

    it('uses peer.service for a client span whose server is not traced', () => {
      const edges = deriveEdges([trace('a', span('1', null, 'checkout-api', 'client', { attributes: { 'peer.service': 'legacy-pricing' } }))])
      expect(edges).toEqual([expect.objectContaining({ from: 'checkout-api', to: 'legacy-pricing', kind: 'call' })])
    })
  })

  describe('databases', () => {
    it('makes a client span with db.* attributes an edge to the database it names', () => {
      const edges = deriveEdges([
        trace(
          'a',
          span('1', null, 'checkout-api', 'server'),
          span('2', '1', 'checkout-api', 'client', { attributes: { 'db.system': 'postgresql', 'db.name': 'orders' } }),
          span('3', '1', 'checkout-api', 'client', { attributes: { 'db.system': 'postgresql', 'db.name': 'orders' } }),
        ),
      ])
      expect(edges).toEqual([expect.objectContaining({ from: 'checkout-api', to: 'orders', kind: 'db', calls: 2 })])
    })

    it('prefers peer.service to the database name', () => {
      const edges = deriveEdges([
        trace('a', span('1', null, 'api', 'client', { attributes: { 'db.system': 'redis', 'db.namespace': '0', 'peer.service': 'sessions' } })),
      ])
      expect(edges[0]).toMatchObject({ to: 'sessions', kind: 'db' })
    })

    it('leaves out a database span that names no database', () => {
      expect(deriveEdges([trace('a', span('1', null, 'api', 'client', { attributes: { 'db.system': 'postgresql' } }))])).toEqual([])
    })
  })

  describe('messaging', () => {
    it('makes producer and consumer spans edges to the topic they name', () => {
      const edges = deriveEdges([
        trace('p', span('1', null, 'checkout-api', 'producer', { attributes: { 'messaging.destination.name': 'orders' } })),
        trace('c', span('2', null, 'inventory', 'consumer', { attributes: { 'messaging.destination.name': 'orders' } })),
      ])
      expect(edges.map((e) => [e.from, e.to, e.kind])).toEqual([
        ['checkout-api', 'orders', 'messaging'],
        ['inventory', 'orders', 'messaging'],
      ])
    })

    it('makes a producer that names no topic an edge to the consumers under it', () => {
      const edges = deriveEdges([trace('p', span('1', null, 'checkout-api', 'producer'), span('2', '1', 'inventory', 'consumer'))])
      expect(edges).toEqual([expect.objectContaining({ from: 'checkout-api', to: 'inventory', kind: 'messaging', calls: 1 })])
    })
  })

  it('keeps hostile service names as they are (escaping is the renderer’s job)', () => {
    const name = '<script>&"\u202e'
    const edges = deriveEdges([trace('a', span('1', null, name, 'client'), span('2', '1', 'b', 'server'))])
    expect(edges[0]!.from).toBe(name)
  })

  it('reads first and last seen from the calls', () => {
    const edges = deriveEdges([
      trace('a', span('1', null, 'a', 'client'), span('2', '1', 'b', 'server')),
      trace('b', span('9', null, 'a', 'client'), span('10', '9', 'b', 'server')),
    ])
    expect(edges[0]!.firstSeen.toISOString()).toBe('2026-03-10T14:00:01.000Z')
    expect(edges[0]!.lastSeen.toISOString()).toBe('2026-03-10T14:00:09.000Z')
  })
})

describe('percentile', () => {
  it('is the nearest rank', () => {
    expect(percentile([], 0.95)).toBe(0)
    expect(percentile([5], 0.95)).toBe(5)
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2)
  })
})
