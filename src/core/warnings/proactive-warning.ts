import { describeMetricWarning, type MetricWarning } from '../analysis/scan/metric-warnings'
import { MINUTE_MS } from '../durations'
import type { MetricKind, ServiceNode } from '../telemetry/port'

export const WARNING_KINDS = ['anomaly', 'saturation'] as const
export type WarningKind = (typeof WARNING_KINDS)[number]
/** open until scored; confirmed by an incident within the horizon; a false alarm once the horizon passed and the metric recovered. */
export const WARNING_STATUSES = ['open', 'confirmed', 'false_alarm'] as const
export type WarningStatus = (typeof WARNING_STATUSES)[number]
export const WARNING_MARKS = ['useful', 'not_useful'] as const
export type WarningMark = (typeof WARNING_MARKS)[number]

/**
 * How long after its onset an anomaly warning waits for an incident. An anomaly says nothing of
 * when trouble comes (a forecast does: its horizon is TELEMETRY_FORECAST_HORIZON_MINUTES); an
 * hour covers the alert policies that fire after 5 to 30 min of a condition, and is the default
 * cooldown, so a metric is not warned of again before its previous warning could be confirmed.
 */
export const ANOMALY_HORIZON_MINUTES = 60

/** A proactive warning as it is scored: what was warned of, when, and the services an incident confirms it on. */
export interface ScoredWarning {
  id: string
  service: string
  metric: MetricKind
  kind: WarningKind
  /** When the anomaly began; for a forecast, when it was made. The horizon counts from here. */
  onsetAt: Date
  /** When the warning was posted: lead times count from here. */
  warnedAt: Date
  horizonMinutes: number
  /** The service and those depending on it directly: an incident on any of them confirms the warning. */
  covers: string[]
  /** The level at the warning (an anomaly's median value, a forecast's fitted level). */
  level: number
  /** The level before the anomaly (null for a forecast). */
  baseline: number | null
  status: WarningStatus
  confirmedIncidentId: string | null
  leadMinutes: number | null
  mark: WarningMark | null
}

/** An incident as the scoring sees it. */
export interface ScoredIncident {
  id: string
  number: number
  service: string | null
  startedAt: Date
}

export function horizonMinutesOf(kind: WarningKind, forecastHorizonMinutes: number): number {
  return kind === 'saturation' ? forecastHorizonMinutes : ANOMALY_HORIZON_MINUTES
}

export function horizonEnd(w: Pick<ScoredWarning, 'onsetAt' | 'horizonMinutes'>): Date {
  return new Date(w.onsetAt.getTime() + w.horizonMinutes * MINUTE_MS)
}

/**
 * The service and the services that call it directly. One hop only: on the demo shop, checkout-db's
 * callers are checkout-api alone, while everything reaches frontend in two hops, so counting
 * transitive callers would let an incident on frontend confirm a warning about any service.
 */
export function servicesCoveredBy(service: string, graph: readonly ServiceNode[]): string[] {
  const callers = graph.filter((s) => s.name !== service && s.dependsOn.includes(service)).map((s) => s.name)
  return [service, ...[...new Set(callers)].sort()]
}

/** What is stored of a warning the scan posted, before anything became of it. */
export type WarningRecord = Omit<ScoredWarning, 'id' | 'status' | 'confirmedIncidentId' | 'leadMinutes' | 'mark'> & {
  summary: string
  minutesToFull: number | null
  fullAt: Date | null
}

/**
 * A scan's warning as it is stored and scored: an anomaly counts from its onset; a forecast from
 * the scan that made it (`warnedAt`), with TELEMETRY_FORECAST_HORIZON_MINUTES as its horizon.
 */
export function warningRecord(w: MetricWarning, at: { warnedAt: Date; graph: readonly ServiceNode[]; forecastHorizonMinutes: number }): WarningRecord {
  const common = {
    service: w.service,
    metric: w.metric,
    kind: w.kind,
    warnedAt: at.warnedAt,
    horizonMinutes: horizonMinutesOf(w.kind, at.forecastHorizonMinutes),
    covers: servicesCoveredBy(w.service, at.graph),
    summary: describeMetricWarning(w),
  }
  return w.kind === 'anomaly'
    ? { ...common, onsetAt: w.onsetAt, level: w.value, baseline: Number.isFinite(w.valueBefore) ? w.valueBefore : null, minutesToFull: null, fullAt: null }
    : { ...common, onsetAt: at.warnedAt, level: w.level, baseline: null, minutesToFull: w.minutesToFull, fullAt: w.fullAt }
}
