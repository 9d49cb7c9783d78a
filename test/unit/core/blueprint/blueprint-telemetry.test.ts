import { describe, expect, it } from 'vitest'
import type { BlueprintEdge } from '../../../../src/core/blueprint/blueprint-edge'
import { BlueprintTelemetry, mergeServiceGraph } from '../../../../src/core/blueprint/blueprint-telemetry'
import { gatherRcaInput } from '../../../../src/core/analysis/rca/telemetry-input'
import { SyntheticTelemetry } from '../../../../src/integrations/telemetry/synthetic'
import { analyzeIncident } from '../../../../src/core/analysis/analyze-incident'
import { blueprintFromTraces } from '../../../../src/core/blueprint/blueprint-from-traces'
import { telemetryOnlyAnalysisPorts } from '../../../support/analysis-ports'

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

describe('an analysis on the merged graph', () => {
  it('finds the cause along the blueprint and says in the trail which edges were observed and which only declared', async () => {
    const at = new Date(now.getTime() - 20 * 60_000)
    const fleet = new SyntheticTelemetry({
      seed: 7,
      injections: [{ kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: new Date(at.getTime() - 5 * 60_000) }],
    })
    const edges = await blueprintFromTraces(fleet, { now: new Date(now.getTime() - 2 * 3_600_000), windowMs: 3_600_000, limit: 300 })
    // A dependency the declarations name but traces never showed.
    const declaredOnly = edges.map((e) => (e.from === 'checkout-api' && e.to === 'cart' ? { ...e, source: 'declared' as const, callsPerHour: null } : e))
    const result = await analyzeIncident(
      {
        id: '00000000-0000-4000-8000-000000000001',
        title: 'frontend p95 latency above 2 s',
        summary: 'checkout slow',
        service: 'frontend',
        resourceType: 'k8s_container',
        policyName: null,
        startedAt: at,
      },
      telemetryOnlyAnalysisPorts(new BlueprintTelemetry(fleet, declaredOnly), now),
      { confidenceThreshold: 0.5 },
    )
    const step = result.steps.find((s) => s.position === 4)!
    expect(step.decision).toMatch(/^fraud-check/)
    expect(step.query).toContain('edges observed in traces: frontend → cart, frontend → checkout-api, checkout-api → checkout-db')
    expect(step.query).toContain('only declared, weighted lower: checkout-api → cart')
  })
})
