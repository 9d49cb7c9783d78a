import { describe, expect, it } from 'vitest'
import type { BlueprintEdge } from '../../../../src/core/blueprint/blueprint-edge'
import type { ObservedEdge } from '../../../../src/core/blueprint/derive-edges'
import { describeBlueprintChange } from '../../../../src/core/blueprint/describe-blueprint-change'
import { mergeBlueprint } from '../../../../src/core/blueprint/merge-blueprint'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const now = new Date('2026-03-10T14:30:00Z')
const options = { now, ttlDays: 14, windowMs: HOUR }

function observed(from: string, to: string, overrides: Partial<ObservedEdge> = {}): ObservedEdge {
  return { from, to, kind: 'call', calls: 1200, errors: 12, p95Ms: 80, firstSeen: new Date('2026-03-10T14:02:00Z'), lastSeen: now, ...overrides }
}

function stored(from: string, to: string, overrides: Partial<BlueprintEdge> = {}): BlueprintEdge {
  return {
    from,
    to,
    kind: 'call',
    source: 'observed',
    firstSeen: new Date(now.getTime() - 30 * DAY),
    lastSeen: new Date(now.getTime() - HOUR),
    callsPerHour: 10,
    errorRate: 0,
    p95Ms: 5,
    version: 1,
    retiredAt: null,
    ...overrides,
  }
}

describe('mergeBlueprint', () => {
  it('adds an edge seen for the first time, version 1, and announces it with its traffic', () => {
    const { writes, changes } = mergeBlueprint([], [observed('cart', 'inventory')], [], options)
    expect(writes).toEqual([expect.objectContaining({ from: 'cart', to: 'inventory', source: 'observed', version: 1, callsPerHour: 1200, errorRate: 0.01 })])
    expect(changes.map((c) => describeBlueprintChange(c, now))).toEqual(['new dependency: cart → inventory (first seen 14:02 UTC, 1,200 calls/h, 1.0% errors)'])
  })

  it('refreshes the traffic of a known edge without a new version or a notice', () => {
    const { writes, changes } = mergeBlueprint([stored('a', 'b')], [observed('a', 'b', { calls: 60, errors: 0 })], [], options)
    expect(writes).toEqual([expect.objectContaining({ version: 1, callsPerHour: 60, lastSeen: now })])
    expect(changes).toEqual([])
  })

  it('keeps the first sighting of a known edge', () => {
    const first = new Date(now.getTime() - 30 * DAY)
    const { writes } = mergeBlueprint([stored('a', 'b', { firstSeen: first })], [observed('a', 'b')], [], options)
    expect(writes[0]!.firstSeen).toEqual(first)
  })

  it('counts calls per hour over the window the traces cover', () => {
    const { writes } = mergeBlueprint([], [observed('a', 'b', { calls: 100 })], [], { ...options, windowMs: 4 * HOUR })
    expect(writes[0]!.callsPerHour).toBe(25)
  })

  it('marks an edge both observed and declared, and raises the version when a declared edge is first observed, quietly', () => {
    const { writes, changes } = mergeBlueprint(
      [stored('a', 'b', { source: 'declared', firstSeen: null, lastSeen: null })],
      [observed('a', 'b')],
      [{ from: 'a', to: 'b' }],
      options,
    )
    expect(writes[0]).toMatchObject({ source: 'both', version: 2 })
    expect(changes).toEqual([])
  })

  it('records a declared edge never observed, once', () => {
    const first = mergeBlueprint([], [], [{ from: 'payment-api', to: 'fx-rates' }], options)
    expect(first.writes).toEqual([expect.objectContaining({ source: 'declared', version: 1, firstSeen: null })])
    expect(first.changes.map((c) => describeBlueprintChange(c, now))).toEqual(['declared but never observed: payment-api → fx-rates'])
    const again = mergeBlueprint(first.writes, [], [{ from: 'payment-api', to: 'fx-rates' }], options)
    expect(again).toEqual({ writes: [], changes: [] })
  })

  it('keeps an observed edge unseen for less than the TTL', () => {
    expect(mergeBlueprint([stored('a', 'b', { lastSeen: new Date(now.getTime() - 13 * DAY) })], [], [], options)).toEqual({ writes: [], changes: [] })
  })

  it('retires an edge not seen for the TTL (kept, with retiredAt) and says when it was last seen', () => {
    const lastSeen = new Date(now.getTime() - 15 * DAY)
    const { writes, changes } = mergeBlueprint([stored('checkout-api', 'legacy-pricing', { lastSeen })], [], [], options)
    expect(writes).toEqual([expect.objectContaining({ retiredAt: now, version: 2 })])
    expect(changes.map((c) => describeBlueprintChange(c, now))).toEqual(['checkout-api no longer calls legacy-pricing (last seen 15 days ago)'])
  })

  it('keeps a stale edge that is still declared, as declared only', () => {
    const lastSeen = new Date(now.getTime() - 20 * DAY)
    const { writes, changes } = mergeBlueprint([stored('a', 'b', { source: 'both', lastSeen })], [], [{ from: 'a', to: 'b' }], options)
    expect(writes).toEqual([expect.objectContaining({ source: 'declared', retiredAt: null, version: 2 })])
    expect(describeBlueprintChange(changes[0]!, now)).toBe('a no longer calls b (last seen 20 days ago); still declared')
  })

  it('brings a retired edge back when it is seen again', () => {
    const { writes, changes } = mergeBlueprint([stored('a', 'b', { retiredAt: new Date(now.getTime() - DAY), version: 2 })], [observed('a', 'b')], [], options)
    expect(writes).toEqual([expect.objectContaining({ retiredAt: null, version: 3 })])
    expect(changes.map((c) => c.kind)).toEqual(['back'])
  })

  it('retires a declared-only edge no longer declared, without a notice', () => {
    const { writes, changes } = mergeBlueprint([stored('a', 'b', { source: 'declared', firstSeen: null, lastSeen: null })], [], [], options)
    expect(writes).toEqual([expect.objectContaining({ retiredAt: now, version: 2 })])
    expect(changes).toEqual([])
  })

  it('names database and messaging dependencies', () => {
    const { changes } = mergeBlueprint([], [observed('api', 'orders-db', { kind: 'db', calls: 3, errors: 1 })], [], options)
    expect(describeBlueprintChange(changes[0]!, now)).toBe('new database dependency: api → orders-db (first seen 14:02 UTC, 3 calls/h, 33% errors)')
  })
})
