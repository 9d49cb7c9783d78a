import type { EdgeKind } from './derive-edges'

/** Where an edge is known from: traces, the declared topology (services file, synthetic fleet), or both. */
export type EdgeSource = 'observed' | 'declared' | 'both'

/** One dependency of the blueprint as stored: `from` calls (depends on) `to`. */
export interface BlueprintEdge {
  from: string
  to: string
  kind: EdgeKind
  source: EdgeSource
  /** When traces first and last showed it; null while it is only declared. */
  firstSeen: Date | null
  lastSeen: Date | null
  /** Calls an hour in the sampled traces of the last run that saw it. */
  callsPerHour: number | null
  errorRate: number | null
  p95Ms: number | null
  /** Raised on every change of what the edge is (new, source, kind, retired, back). */
  version: number
  /** Not seen for the TTL and not declared: kept for history, left out of the graph. */
  retiredAt: Date | null
}

/** What a refresh changed that people are told about. */
export type BlueprintChange =
  | { kind: 'added'; edge: BlueprintEdge }
  | { kind: 'back'; edge: BlueprintEdge }
  | { kind: 'stopped'; edge: BlueprintEdge; lastSeen: Date }
  | { kind: 'declared_unobserved'; edge: BlueprintEdge }

/** Edges that are part of the graph now. */
export function activeEdges(edges: readonly BlueprintEdge[]): BlueprintEdge[] {
  return edges.filter((e) => e.retiredAt === null)
}
