import { describe, expect, it } from 'vitest'
import type { BlueprintEdge } from '../../../../src/core/blueprint/blueprint-edge'
import { BlueprintTelemetry, mergeServiceGraph } from '../../../../src/core/blueprint/blueprint-telemetry'
import { gatherRcaInput } from '../../../../src/core/analysis/rca/telemetry-input'
import { SyntheticTelemetry } from '../../../../src/integrations/telemetry/synthetic'

const now = new Date('2026-03-10T14:00:00Z')

function edge(from: string, to: string, overrides: Partial<BlueprintEdge> = {}): BlueprintEdge {
  return {
    from,
    to,
    kind: 'call',
    source: 'observed',
    firstSeen: now,
    lastSeen: now,
    callsPerHour: 100,
    errorRate: 0,
    p95Ms: 10,
    version: 1,
    retiredAt: null,
    ...overrides,
  }
}

describe('mergeServiceGraph', () => {
  it('gives the declared graph back unchanged when the blueprint has no active edge', () => {
    const declared = [{ name: 'a', dependsOn: ['b'] }]
    expect(mergeServiceGraph(declared, [edge('a', 'c', { retiredAt: now })])).toEqual(declared)
  })

  it('puts observed edges first, heaviest traffic first, and keeps declared-only edges after them', () => {
    const graph = mergeServiceGraph(
      [{ name: 'checkout-api', dependsOn: ['legacy-pricing', 'payment-api'] }],
      [edge('checkout-api', 'cart', { callsPerHour: 10 }), edge('checkout-api', 'payment-api', { source: 'both', callsPerHour: 5000 })],
    )
    const checkout = graph.find((s) => s.name === 'checkout-api')!
    expect(checkout.dependsOn).toEqual(['payment-api', 'cart', 'legacy-pricing'])
    expect(checkout.dependencies).toEqual([
      { to: 'payment-api', source: 'both', callsPerHour: 5000 },
      { to: 'cart', source: 'observed', callsPerHour: 10 },
      { to: 'legacy-pricing', source: 'declared', callsPerHour: null },
    ])
    // A service only traces know is a node of the graph too.
    expect(graph.map((s) => s.name).sort()).toEqual(['cart', 'checkout-api', 'payment-api'])
  })

  it('leaves retired edges out', () => {
    const graph = mergeServiceGraph([], [edge('a', 'b'), edge('a', 'c', { retiredAt: now })])
    expect(graph.find((s) => s.name === 'a')!.dependsOn).toEqual(['b'])
  })
})

describe('the root-cause input from the merged graph', () => {
  it('says which edges of the walked graph traces showed and which are only declared', async () => {
    const fleet = new SyntheticTelemetry({ seed: 7 })
    const telemetry = new BlueprintTelemetry(fleet, [edge('payment-api', 'fraud-check', { source: 'both' })])
    const { edges, input } = await gatherRcaInput(
      telemetry,
      { service: 'payment-api', metric: 'latency_p95_ms', at: new Date(now.getTime() - 30 * 60_000) },
      { beforeMinutes: 10, afterMinutes: 5, stepSeconds: 60, now },
    )
    expect(edges).toEqual({ observed: ['payment-api → fraud-check'], declaredOnly: [] })
    expect(input.graph).toEqual([{ from: 'payment-api', to: 'fraud-check' }])
  })

  it('says nothing about sources when the provider gives none', async () => {
    const { edges } = await gatherRcaInput(
      new SyntheticTelemetry({ seed: 7 }),
      { service: 'payment-api', metric: 'latency_p95_ms', at: new Date(now.getTime() - 30 * 60_000) },
      { beforeMinutes: 10, afterMinutes: 5, stepSeconds: 60, now },
    )
    expect(edges).toBeNull()
  })
})
