import { cleanSeries } from './clean-series'
import type { NodeSeries, RcaPoint, RcaSignal, SeriesByNode } from './rca-types'
import { RCA_SIGNALS } from './rca-types'
import { trackErrorSignal, trackLevelSignal, type DeviationConfig, type SignalTrack, type TrackedPoint, type TrackWindow } from './signal-track'

export type CleanSeriesByNode = Map<string, Map<RcaSignal, RcaPoint[]>>
export type NodeTracks = Map<RcaSignal, SignalTrack>

/** Every series cleaned (sorted, non-finite dropped, duplicates averaged), with one warning per kind of problem. */
export function cleanAllSeries(input: SeriesByNode, label: string, warnings: string[]): CleanSeriesByNode {
  const out: CleanSeriesByNode = new Map()
  let dropped = 0
  let merged = 0
  let unknownSignals = 0
  for (const [node, bySignal] of input) {
    const cleaned = new Map<RcaSignal, RcaPoint[]>()
    for (const [signal, points] of bySignal) {
      if (!(RCA_SIGNALS as readonly string[]).includes(signal)) {
        unknownSignals++
        continue
      }
      const c = cleanSeries(Array.isArray(points) ? points : [])
      dropped += c.droppedNonFinite
      merged += c.mergedDuplicates
      if (c.points.length > 0) cleaned.set(signal, c.points)
    }
    if (cleaned.size > 0) out.set(node, cleaned)
  }
  if (dropped > 0) warnings.push(`${label}: ${dropped} point(s) with a missing or non-finite time or value dropped`)
  if (merged > 0) warnings.push(`${label}: ${merged} point(s) sharing a timestamp averaged`)
  if (unknownSignals > 0) warnings.push(`${label}: ${unknownSignals} series of an unknown signal ignored`)
  return out
}

/** Each signal of one node measured against its baseline; latency points carry their request counts. */
export function trackNode(series: NodeSeries | undefined, history: NodeSeries | undefined, w: TrackWindow, config: DeviationConfig): NodeTracks {
  const tracks: NodeTracks = new Map()
  if (!series) return tracks
  const past = (s: RcaSignal) => history?.get(s) ?? []
  const requests = series.get('requests')
  for (const signal of ['latency', 'requests', 'saturation'] as const) {
    const points = series.get(signal)
    if (points) tracks.set(signal, trackLevelSignal(signal, points, past(signal), w, config))
  }
  const latency = tracks.get('latency')
  if (latency && requests) tracks.set('latency', withRequestCounts(latency, requests))
  const errors = series.get('errors')
  if (errors) tracks.set('errors', trackErrorSignal(errors, requests ?? [], past('errors'), past('requests'), w, config))
  return tracks
}

/** Attaches each point's request count, which says how much of a caller's traffic a dependency sees. */
function withRequestCounts(track: SignalTrack, requests: readonly RcaPoint[]): SignalTrack {
  const count = new Map(requests.map((p) => [p.at, p.value]))
  return {
    ...track,
    points: track.points.map((p) => {
      const n = count.get(p.at)
      return n === undefined ? p : { ...p, requests: n }
    }),
  }
}

/** The point closest to `at`, within half a step. */
export function pointNear(track: SignalTrack, at: number, step: number): TrackedPoint | undefined {
  let best: TrackedPoint | undefined
  for (const p of track.points) if (Math.abs(p.at - at) <= step / 2 && (!best || Math.abs(p.at - at) < Math.abs(best.at - at))) best = p
  return best
}

/** The worst point within `toleranceMs` of `at` (and always the one closest to it). */
export function worstNear(track: SignalTrack, at: number, step: number, toleranceMs: number): TrackedPoint | undefined {
  let worst: TrackedPoint | undefined
  for (const p of track.points) if (Math.abs(p.at - at) <= toleranceMs + step / 2 && (!worst || p.score > worst.score)) worst = p
  return worst
}
