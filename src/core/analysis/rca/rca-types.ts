/**
 * Root-cause localisation over a service dependency graph: the shapes going in and
 * coming out. Pure data, so any telemetry source can fill them.
 */

/**
 * What a series measures, by meaning. `errors` is a ratio of failed requests in
 * [0, 1]; `requests` is the number of requests in each point's interval; `saturation`
 * is the utilisation ratio in [0, 1] of the node's most constrained resource (CPU,
 * memory, connections, quota).
 */
export const RCA_SIGNALS = ['latency', 'errors', 'requests', 'saturation'] as const
export type RcaSignal = (typeof RCA_SIGNALS)[number]

/** One sample: `at` is epoch milliseconds, the start of the interval the value covers. */
export interface RcaPoint {
  at: number
  value: number
}

export type NodeSeries = ReadonlyMap<RcaSignal, readonly RcaPoint[]>
export type SeriesByNode = ReadonlyMap<string, NodeSeries>

/** `from` calls (depends on) `to`: a slow or failing `to` can make `from` slow or failing. */
export interface RcaEdge {
  from: string
  to: string
}

/** The alerting node, the signal that alerted and when (epoch milliseconds). */
export interface RcaAlert {
  node: string
  signal: Extract<RcaSignal, 'latency' | 'errors'>
  at: number
}

/**
 * What a latency value summarises: a mean (extra time adds up along calls) or a quantile
 * such as p95 (a dependency moves it only if it touches more than 1 - q of the requests).
 */
export type LatencyStatistic = { kind: 'mean' } | { kind: 'quantile'; q: number }

export interface RcaInput {
  graph: readonly RcaEdge[]
  /** The series around the alert: some points before it (the recent baseline) and the points after it. */
  series: SeriesByNode
  /**
   * Optional normal-operation history (any earlier period). Used for each series' noise
   * level, and for its level only when the series has no point before the alert.
   */
  history?: SeriesByNode
  alert: RcaAlert
  /** Defaults to a mean. */
  latencyStatistic?: LatencyStatistic
}

/** How far one signal of one node moved away from its baseline at the analysed time. */
export interface SignalDeviation {
  signal: RcaSignal
  /** The baseline level: median of the points before the alert (or of the history). */
  baseline: number
  observed: number
  /** observed - baseline, in the signal's unit (for `errors`: the ratio). */
  change: number
  /** change / |baseline|; null when the baseline is 0. */
  relativeChange: number | null
  /** Deviation in noise units, oriented so that positive is bad. */
  score: number
  /** The point (epoch ms) this deviation was read at. */
  at: number
  /** First point at or after the alert where the deviation passed the anomaly threshold. */
  onset: number | null
  /** Only for `errors` with request counts: failed requests above what the baseline rate predicts. */
  excessErrors?: number
}

export interface PathStep {
  node: string
  /** Deviation of the alerting signal at this node, in noise units (null: no data there). */
  score: number | null
  change: number | null
}

export interface RootCauseCandidate {
  node: string
  rank: number
  /** Relative weight of this candidate among the ranked ones (they sum to 1). */
  share: number
  /** What makes it a candidate: the alerting signal at this node, or its saturation when it is a resource at capacity. */
  deviation: SignalDeviation
  /** Other signals of the node that deviated at the same time (errors with latency, saturation, ...). */
  otherDeviations: SignalDeviation[]
  /** Alerting node first, candidate last, every hop anomalous or without data. */
  path: PathStep[]
  /** Share of the alerting node's deviation this candidate's own deviation accounts for, in [0, 1]. */
  explainsAlert: number
  /** Share of the candidate's deviation its own dependencies do not account for, in [0, 1]. */
  unexplainedByDependencies: number
  /** Plain-language reasons, in the order they were weighed. */
  notes: string[]
}

export type RcaStatus =
  /** The alerting node is anomalous and candidates were ranked. */
  | 'ranked'
  /** The alerting signal has data but nothing deviates enough: nothing to localise. */
  | 'alert_not_anomalous'
  /** No usable points for the alerting signal of the alerting node around the alert. */
  | 'no_alert_data'

export interface RootCauseReport {
  status: RcaStatus
  alert: RcaAlert
  /** The point (epoch ms) at which deviations were compared, null when nothing was analysed. */
  analysedAt: number | null
  /** The alerting node's own deviation (null when it has no data). */
  alertDeviation: SignalDeviation | null
  ranked: RootCauseCandidate[]
  /** Probability-like confidence that the first candidate is the root cause, in [0, 1]; 0 when nothing is ranked. */
  confidence: number
  /** Data problems met and how they were handled (dropped NaN points, unknown nodes, ...). */
  warnings: string[]
}
