import { MINUTE_MS } from '../../durations'
import { typicalStep } from './clean-series'
import { clamp01, explainedShare, propagation } from './explained-share'
import { followDeviations } from './follow-deviations'
import { InvalidRcaInputError } from './invalid-rca-input-error'
import { cleanAllSeries, pointNear, trackNode, type CleanSeriesByNode, type NodeTracks } from './node-tracks'
import type { PathStep, RcaInput, RcaSignal, RootCauseCandidate, RootCauseReport, SignalDeviation } from './rca-types'
import { ServiceGraph } from './service-graph'
import type { DeviationConfig, SignalTrack, TrackedPoint, TrackWindow } from './signal-track'

export interface RcaConfig extends DeviationConfig {
  /** A node counts as deviating at this many noise units. */
  anomalyThreshold: number
  /** Saturation (a utilisation ratio) at or above this, and deviating, counts as a resource at capacity. */
  saturationLevel: number
  /** How late a dependency's deviation may show in its caller's metrics. */
  lagToleranceMs: number
  /** How long after the alert deviations are looked for. */
  incidentWindowMs: number
  /** Spacing assumed when no series has two points. */
  defaultStepMs: number
}

/** One configuration for every incident; docs/benchmarks/petshop.md says how each value was chosen. */
export const DEFAULT_RCA_CONFIG: RcaConfig = {
  anomalyThreshold: 4,
  saturationLevel: 0.9,
  lagToleranceMs: MINUTE_MS,
  incidentWindowMs: 15 * MINUTE_MS,
  defaultStepMs: MINUTE_MS,
  defaultRelativeNoise: 0.1,
  minRelativeNoise: 0.02,
  minHistoryPoints: 10,
  minErrorRatioNoise: 0.01,
  historyTailQuantile: 0.99,
}

interface Scored extends Omit<RootCauseCandidate, 'rank' | 'share'> {
  weight: number
}

/**
 * Ranks the components most likely to have caused an alert. The alert's deviation is
 * followed down the call graph through dependencies that deviate the same way. A
 * candidate weighs how much of the alerting node's deviation its own accounts for, times
 * how much of its own its dependencies leave unexplained; deviations are compared in
 * quantities that propagate along calls (see explainedShare).
 */
export function rankRootCauses(input: RcaInput, config: RcaConfig = DEFAULT_RCA_CONFIG): RootCauseReport {
  const { alert } = input
  validateAlert(alert)
  const warnings: string[] = []
  const graph = new ServiceGraph(input.graph ?? [], [...input.series.keys(), alert.node])
  if (graph.ignoredEdges > 0) warnings.push(`${graph.ignoredEdges} edge(s) ignored (self-call or empty name)`)
  const series = cleanAllSeries(input.series, 'series', warnings)
  const history: CleanSeriesByNode = input.history ? cleanAllSeries(input.history, 'history', warnings) : new Map()
  const withoutData = graph.nodes.filter((n) => !series.has(n))
  if (withoutData.length > 0)
    warnings.push(`${withoutData.length} node(s) have no usable series; paths may pass through them but they are not ranked: ${listSome(withoutData)}`)

  const step = typicalStep(series.get(alert.node)?.get(alert.signal) ?? []) ?? firstStep(series) ?? config.defaultStepMs
  const window: TrackWindow = { alertAt: alert.at, step, incidentEnd: alert.at + config.incidentWindowMs }
  const tracks = new Map<string, NodeTracks>(graph.nodes.map((node) => [node, trackNode(series.get(node), history.get(node), window, config)]))

  const alertTrack = tracks.get(alert.node)!.get(alert.signal)
  const report = (
    status: RootCauseReport['status'],
    analysedAt: number | null,
    alertDeviation: SignalDeviation | null,
    ranked: RootCauseCandidate[] = [],
    confidence = 0,
  ): RootCauseReport => ({ status, alert, analysedAt, alertDeviation, ranked, confidence, warnings })
  if (!alertTrack || alertTrack.baseline === null || alertTrack.points.length === 0) {
    warnings.push(`no usable ${alert.signal} points for ${alert.node} both before and after the alert`)
    return report('no_alert_data', null, null)
  }

  // Everything is compared around the alert's worst point.
  const peak = alertTrack.points.reduce((worst, p) => (p.score > worst.score ? p : worst))
  const alertDeviation = deviationOf(alertTrack, peak, config)
  const followed = followDeviations(graph, tracks, alert.node, peak, {
    signal: alert.signal,
    threshold: config.anomalyThreshold,
    saturationLevel: config.saturationLevel,
    step,
    lagToleranceMs: config.lagToleranceMs,
  })
  const deviates = (node: string) => (followed.point.get(node)?.score ?? -Infinity) >= config.anomalyThreshold
  const alertDeviates = peak.score >= config.anomalyThreshold
  const candidates = followed.reached.filter((n) => (n === alert.node ? alertDeviates : deviates(n) || followed.saturated.has(n)))
  if (candidates.length === 0) return report('alert_not_anomalous', peak.at, alertDeviation)
  if (!alertDeviates) warnings.push(`${alert.node} itself deviates only ${peak.score.toFixed(1)} noise units; ranking the dependencies that do deviate`)

  const statistic = input.latencyStatistic ?? { kind: 'mean' }
  // A resource at capacity makes its callers wait, which its own latency may not show: it is taken to explain them.
  const share = (dependency: string, caller: TrackedPoint) => {
    if (followed.saturated.has(dependency)) return 1
    const p = followed.point.get(dependency)
    return p ? explainedShare(p, caller, alert.signal, statistic) : 0
  }
  // When the alert's own deviation is too small to measure against, candidates are measured against the one with the largest impact on it.
  const unit: TrackedPoint = { ...peak, change: 1, excessErrors: 1 }
  const impact = (p: TrackedPoint) => {
    const { ratio, reach } = propagation(p, unit, alert.signal, statistic)
    return Math.max(0, ratio) * reach
  }
  const largestImpact = alertDeviates
    ? 1
    : Math.max(
        0,
        ...candidates
          .map((n) => followed.point.get(n))
          .filter((p) => p !== undefined)
          .map(impact),
      )
  const explainsAlertMemo = new Map<string, number>()
  // A saturated node inherits its caller's share.
  const explainsAlertOf = (node: string): number => {
    const known = explainsAlertMemo.get(node)
    if (known !== undefined) return known
    const up = followed.parent.get(node)
    const p = followed.point.get(node)
    let value = 0
    if (node === alert.node) value = 1
    else if (followed.saturated.has(node) && up) value = explainsAlertOf(up)
    else if (p && alertDeviates) value = explainedShare(p, peak, alert.signal, statistic)
    else if (p) value = largestImpact > 0 ? clamp01(impact(p) / largestImpact) : 1
    explainsAlertMemo.set(node, value)
    return value
  }

  // The deviating dependencies of a node, looking through unobserved hops and never back up its own path.
  const dependenciesBelow = (node: string): string[] => {
    const above = new Set<string>()
    for (let n: string | null | undefined = node; n != null; n = followed.parent.get(n)) above.add(n)
    const found: string[] = []
    const queue = graph.callees(node)
    const seen = new Set(above)
    while (queue.length > 0) {
      const c = queue.shift()!
      if (seen.has(c) || !followed.parent.has(c)) continue
      seen.add(c)
      if (deviates(c) || followed.saturated.has(c)) found.push(c)
      else if (!followed.point.has(c)) queue.push(...graph.callees(c))
    }
    return found
  }

  const scored: Scored[] = candidates.map((node) => {
    const p = followed.point.get(node)
    const saturated = followed.saturated.get(node)
    let matched = 0
    let matchedBy: string | null = null
    for (const child of p ? dependenciesBelow(node) : []) {
      const s = share(child, p!)
      if (s > matched) {
        matched = s
        matchedBy = child
      }
    }
    const explainsAlert = explainsAlertOf(node)
    const byAlertSignal = p !== undefined && (p.score >= config.anomalyThreshold || !saturated)
    const deviation = byAlertSignal
      ? deviationOf(tracks.get(node)!.get(alert.signal)!, p, config)
      : deviationOf(tracks.get(node)!.get('saturation')!, saturated!, config)
    const notes = [describe(deviation)]
    if (saturated) notes.push(`at capacity (saturation ${fmt(saturated.observed)}): taken to account for its callers' deviation`)
    if (node !== alert.node)
      notes.push(`accounts for ${pct(explainsAlert)} of ${alert.node}'s ${alert.signal === 'errors' ? 'extra failed requests' : 'extra latency'}`)
    notes.push(matchedBy ? `${pct(matched)} of it is matched by its dependency ${matchedBy}` : 'no dependency of it deviates the same way')
    const added = followed.newDependencies.get(node)
    if (added) notes.push(`started calling ${added.join(', ')}, which had no traffic before the alert`)
    return {
      node,
      deviation,
      otherDeviations: otherDeviations(tracks.get(node)!, deviation.signal, p?.at ?? peak.at, step, config),
      path: pathTo(node, followed.parent, followed.point),
      explainsAlert,
      unexplainedByDependencies: 1 - matched,
      notes,
      weight: explainsAlert * (1 - matched),
    }
  })
  scored.sort((a, b) => b.weight - a.weight || b.deviation.score - a.deviation.score || a.node.localeCompare(b.node))
  const total = scored.reduce((s, c) => s + c.weight, 0)
  const ranked: RootCauseCandidate[] = scored.map(({ weight, ...c }, i) => ({ ...c, rank: i + 1, share: total > 0 ? weight / total : 1 / scored.length }))
  return report('ranked', peak.at, alertDeviation, ranked, topConfidence(scored, peak.score, config))
}

/**
 * The top candidate's weight against the runner-up's, discounted when the alerting node
 * itself does not deviate clearly: then only a dependency deviating well past the
 * threshold (twice it for full weight) says the alert is not noise.
 */
function topConfidence(scored: readonly Scored[], alertScore: number, config: RcaConfig): number {
  const [first, second] = scored
  if (!first || !(first.weight > 0)) return 0
  const margin = first.weight / (first.weight + (second?.weight ?? 0))
  const evidence = clamp01(Math.max(alertScore / config.anomalyThreshold, first.deviation.score / config.anomalyThreshold - 1))
  return margin * evidence
}

function validateAlert(alert: RcaInput['alert']): void {
  if (typeof alert?.node !== 'string' || alert.node === '') throw new InvalidRcaInputError('the alert names no node')
  if (alert.signal !== 'latency' && alert.signal !== 'errors')
    throw new InvalidRcaInputError(`alert signal must be latency or errors, got ${String(alert.signal)}`, { signal: alert.signal })
  if (!Number.isFinite(alert.at)) throw new InvalidRcaInputError('the alert has no valid time', { at: alert.at })
}

function firstStep(series: CleanSeriesByNode): number | null {
  for (const bySignal of series.values())
    for (const points of bySignal.values()) {
      const s = typicalStep(points)
      if (s !== null && s > 0) return s
    }
  return null
}

function deviationOf(track: SignalTrack, p: TrackedPoint, config: RcaConfig): SignalDeviation {
  const baseline = track.baseline ?? NaN
  return {
    signal: track.signal,
    baseline,
    observed: p.observed,
    change: p.change,
    relativeChange: baseline !== 0 && Number.isFinite(baseline) ? p.change / Math.abs(baseline) : null,
    score: p.score,
    at: p.at,
    onset: track.points.find((q) => q.score >= config.anomalyThreshold)?.at ?? null,
    ...(p.excessErrors !== undefined ? { excessErrors: p.excessErrors } : {}),
  }
}

function otherDeviations(tracks: NodeTracks, except: RcaSignal, at: number, step: number, config: RcaConfig): SignalDeviation[] {
  const out: SignalDeviation[] = []
  for (const [signal, track] of tracks) {
    if (signal === except || track.baseline === null) continue
    const p = pointNear(track, at, step)
    if (p && p.score >= config.anomalyThreshold) out.push(deviationOf(track, p, config))
  }
  return out
}

function pathTo(node: string, parent: ReadonlyMap<string, string | null>, point: ReadonlyMap<string, TrackedPoint>): PathStep[] {
  const nodes: string[] = []
  for (let n: string | null | undefined = node; n != null; n = parent.get(n)) nodes.unshift(n)
  return nodes.map((n) => {
    const p = point.get(n)
    return { node: n, score: p ? p.score : null, change: p ? p.change : null }
  })
}

function describe(d: SignalDeviation): string {
  const what = d.signal === 'errors' ? 'error ratio' : d.signal
  const rel = d.relativeChange !== null && d.signal !== 'errors' ? ` (${d.relativeChange >= 0 ? '+' : ''}${pct(d.relativeChange)})` : ''
  const excess = d.excessErrors !== undefined ? `, ${Math.round(d.excessErrors)} failed requests above the baseline rate` : ''
  return `${what} ${fmt(d.baseline)} -> ${fmt(d.observed)}${rel}${excess}: ${d.score.toFixed(1)} noise units`
}

function listSome(nodes: readonly string[]): string {
  return `${nodes.slice(0, 5).join(', ')}${nodes.length > 5 ? ', ...' : ''}`
}

function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : 'n/a'
}

function pct(v: number): string {
  return `${Math.round(v * 100)}%`
}
