import { CodedError } from '../errors'
import { activeEdges, type BlueprintEdge } from './blueprint-edge'

/** What a blueprint picture shows: the active edges (all, or the chosen service's neighbourhood in a large graph) and what to highlight. */
export interface BlueprintView {
  /** The service asked about; null draws the whole graph without highlight. */
  service: string | null
  nodes: BlueprintNodeView[]
  edges: BlueprintEdge[]
  generatedAt: Date
}

export interface BlueprintNodeView {
  name: string
  /** A database (queried by someone), a topic (messages go to it, nothing goes out), or a service. */
  role: 'service' | 'database' | 'topic'
  /** The chosen service, one of its direct neighbours, or neither. */
  emphasis: 'chosen' | 'neighbour' | 'none'
}

/** Past this many services a picture of one service shows its neighbourhood (two hops) only. */
export const WHOLE_GRAPH_MAX_NODES = 40

/** Thrown when the service asked about is not in the blueprint. */
export class UnknownBlueprintServiceError extends CodedError<'blueprint_service_unknown'> {
  constructor(
    readonly service: string,
    readonly known: string[],
  ) {
    super('blueprint_service_unknown', `no service "${service}" in the blueprint`)
    this.name = 'UnknownBlueprintServiceError'
  }
}

/** Picks the nodes and edges to draw; retired edges are never drawn. */
export function buildBlueprintView(all: readonly BlueprintEdge[], service: string | null, generatedAt: Date): BlueprintView {
  let edges = activeEdges(all)
  const names = new Set(edges.flatMap((e) => [e.from, e.to]))
  if (service !== null && !names.has(service)) throw new UnknownBlueprintServiceError(service, [...names].sort())
  if (service !== null && names.size > WHOLE_GRAPH_MAX_NODES) {
    const near = neighbourhood(edges, service, 2)
    edges = edges.filter((e) => near.has(e.from) && near.has(e.to))
  }
  const neighbours = new Set(service === null ? [] : edges.flatMap((e) => (e.from === service ? [e.to] : e.to === service ? [e.from] : [])))
  const nodeNames = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort()
  const nodes = nodeNames.map((name): BlueprintNodeView => {
    const incoming = edges.filter((e) => e.to === name)
    const outgoing = edges.some((e) => e.from === name)
    const role =
      incoming.some((e) => e.kind === 'db') && !outgoing ? 'database' : incoming.some((e) => e.kind === 'messaging') && !outgoing ? 'topic' : 'service'
    const emphasis = name === service ? 'chosen' : neighbours.has(name) ? 'neighbour' : 'none'
    return { name, role, emphasis }
  })
  return { service, nodes, edges: [...edges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)), generatedAt }
}

function neighbourhood(edges: readonly BlueprintEdge[], service: string, hops: number): Set<string> {
  const near = new Set([service])
  for (let i = 0; i < hops; i++) {
    const reached = new Set(near)
    for (const e of edges) {
      if (reached.has(e.from)) near.add(e.to)
      if (reached.has(e.to)) near.add(e.from)
    }
  }
  return near
}

/** The view as `sre-agent blueprint --out graph.json` writes it. */
export function blueprintViewJson(view: BlueprintView): Record<string, unknown> {
  const iso = (d: Date | null) => (d === null ? null : d.toISOString())
  return {
    generatedAt: view.generatedAt.toISOString(),
    service: view.service,
    nodes: view.nodes,
    edges: view.edges.map((e) => ({ ...e, firstSeen: iso(e.firstSeen), lastSeen: iso(e.lastSeen), retiredAt: iso(e.retiredAt) })),
  }
}
