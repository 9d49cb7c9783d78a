import type { NodeTracks } from './node-tracks'
import { pointNear, worstNear } from './node-tracks'
import type { RcaSignal } from './rca-types'
import type { ServiceGraph } from './service-graph'
import type { TrackedPoint } from './signal-track'

export interface FollowSettings {
  signal: RcaSignal
  threshold: number
  saturationLevel: number
  step: number
  /** How late a dependency's deviation may show in its caller's metrics. */
  lagToleranceMs: number
}

/** The part of the graph the alert's deviation can be followed into. */
export interface FollowedDeviations {
  /** Breadth-first order, the alerting node first. */
  reached: string[]
  /** The node each one was reached from (null for the alerting node): the shortest deviating path back. */
  parent: Map<string, string | null>
  /** Each reached node's point of the alerting signal, taken near its caller's (absent when it has no data there). */
  point: Map<string, TrackedPoint>
  /** Reached nodes whose saturation deviates at or above the capacity level. */
  saturated: Map<string, TrackedPoint>
  /** For a caller: dependencies with no traffic before the alert that now receive it. */
  newDependencies: Map<string, string[]>
}

/**
 * Follows the alert down the call graph: a dependency is entered when, near the time its
 * caller deviates, it deviates the same way, is a resource at capacity, or has no data
 * (an unobserved hop may hide the path). A dependency that only appeared with the
 * incident is not entered but noted on its caller, which started calling it.
 */
export function followDeviations(
  graph: ServiceGraph,
  tracks: ReadonlyMap<string, NodeTracks>,
  alertNode: string,
  alertPoint: TrackedPoint,
  s: FollowSettings,
): FollowedDeviations {
  const parent = new Map<string, string | null>([[alertNode, null]])
  const point = new Map<string, TrackedPoint>([[alertNode, alertPoint]])
  const timeOf = new Map<string, number>([[alertNode, alertPoint.at]])
  const saturated = new Map<string, TrackedPoint>()
  const newDependencies = new Map<string, string[]>()
  const reached = [alertNode]
  for (let i = 0; i < reached.length; i++) {
    const u = reached[i]!
    const at = timeOf.get(u)!
    for (const v of graph.callees(u)) {
      if (parent.has(v)) continue
      const t = tracks.get(v) ?? new Map()
      const track = t.get(s.signal)
      if (track?.appeared && hasNewTraffic(t, at, s)) {
        newDependencies.set(u, [...(newDependencies.get(u) ?? []), v])
        continue
      }
      const p = track && track.baseline !== null ? worstNear(track, at, s.step, s.lagToleranceMs) : undefined
      const saturation = t.get('saturation')
      const sat = saturation && saturation.baseline !== null ? worstNear(saturation, at, s.step, s.lagToleranceMs) : undefined
      const atCapacity = sat !== undefined && sat.score >= s.threshold && sat.observed >= s.saturationLevel
      const unobserved = !track || (track.baseline === null && !track.appeared)
      if (!((p !== undefined && p.score >= s.threshold) || atCapacity || unobserved)) continue
      parent.set(v, u)
      reached.push(v)
      if (p) point.set(v, p)
      if (atCapacity) saturated.set(v, sat)
      timeOf.set(v, p && p.score >= s.threshold ? p.at : at)
    }
  }
  return { reached, parent, point, saturated, newDependencies }
}

/** New traffic must be real: without request counts any data counts, with them a clear rise. */
function hasNewTraffic(tracks: NodeTracks, at: number, s: FollowSettings): boolean {
  const requests = tracks.get('requests')
  if (!requests) return true
  const r = pointNear(requests, at, s.step)
  return r !== undefined && r.change > 0 && r.score >= s.threshold
}
