import { ForwardingTelemetry } from '../telemetry/forwarding-telemetry'
import type { ServiceDependency, ServiceNode, TelemetryPort } from '../telemetry/port'
import { activeEdges, type BlueprintEdge } from './blueprint-edge'

/** Weight of an edge only declared: kept in the walk, after every edge traces confirm. */
export const DECLARED_ONLY_WEIGHT = 0.5

/** Traffic weight of an edge: observed edges grow with the log of their calls an hour, declared-only ones weigh least. */
function edgeWeight(dependency: Pick<ServiceDependency, 'source' | 'callsPerHour'>): number {
  if (dependency.source === 'declared') return DECLARED_ONLY_WEIGHT
  return 1 + Math.log10(1 + Math.max(0, dependency.callsPerHour ?? 0))
}

/**
 * The declared service graph merged with the blueprint's active edges: every service of either,
 * each with its dependencies heaviest first (observed by traffic, then declared-only), and where
 * each edge comes from. Without blueprint edges the declared graph comes back as it was.
 */
export function mergeServiceGraph(declared: readonly ServiceNode[], edges: readonly BlueprintEdge[]): ServiceNode[] {
  const active = activeEdges(edges)
  if (active.length === 0) return declared.map((s) => ({ ...s, dependsOn: [...s.dependsOn] }))
  const byName = new Map<string, Map<string, ServiceDependency>>()
  const node = (name: string) => {
    if (!byName.has(name)) byName.set(name, new Map())
    return byName.get(name)!
  }
  for (const s of declared) {
    const deps = node(s.name)
    for (const to of s.dependsOn) if (to !== s.name) deps.set(to, { to, source: 'declared', callsPerHour: null })
  }
  for (const e of active) {
    node(e.to)
    const deps = node(e.from)
    const known = deps.get(e.to)
    // The stored source already merges the declarations it was refreshed with; the running declarations can only add to it.
    const source = known && e.source === 'observed' ? 'both' : e.source
    deps.set(e.to, { to: e.to, source, callsPerHour: e.callsPerHour })
  }
  return [...byName].map(([name, deps]) => {
    const dependencies = [...deps.values()].sort((a, b) => edgeWeight(b) - edgeWeight(a))
    return { name, dependsOn: dependencies.map((d) => d.to), dependencies }
  })
}

/** A telemetry port whose service graph is the blueprint merged with the declared one; everything else passes through. */
export class BlueprintTelemetry extends ForwardingTelemetry {
  constructor(
    inner: TelemetryPort,
    private readonly edges: readonly BlueprintEdge[],
  ) {
    super(inner)
  }

  override async services(): Promise<ServiceNode[]> {
    return mergeServiceGraph(await this.inner.services(), this.edges)
  }
}
