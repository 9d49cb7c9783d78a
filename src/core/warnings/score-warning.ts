import { median } from '../analysis/rca/clean-series'
import { forecastSaturation } from '../analysis/scan/forecast-saturation'
import { MINUTE_MS } from '../durations'
import type { MetricPoint } from '../telemetry/port'
import { horizonEnd, type ScoredIncident, type ScoredWarning } from './proactive-warning'

/** Minutes of the newest points whose median says where a metric stands when it is re-read. */
export const RECOVERY_WINDOW_MINUTES = 15
/** An anomalous metric is back within its band when it has come down to within this share of its jump above the level before. */
export const RECOVERED_JUMP_SHARE = 0.25
/** A forecast's metric is full at 1 (every saturation metric is a used ratio). */
const SATURATION_LIMIT = 1

export type WarningDecision =
  | { status: 'confirmed'; incidentId: string; leadMinutes: number }
  | { status: 'false_alarm' }
  | { status: 'open'; awaiting: 'horizon' | 'recovery' }

/**
 * The incident that confirms a warning: the first to start on a service it covers from the onset
 * until the horizon ends (both included). Null when none did (yet).
 */
export function confirmingIncident(warning: ScoredWarning, incidents: readonly ScoredIncident[]): ScoredIncident | null {
  const from = warning.onsetAt.getTime()
  const until = horizonEnd(warning).getTime()
  const covers = new Set(warning.covers)
  let first: ScoredIncident | null = null
  for (const incident of incidents) {
    const at = incident.startedAt.getTime()
    if (incident.service === null || !covers.has(incident.service) || at < from || at > until) continue
    if (!first || at < first.startedAt.getTime()) first = incident
  }
  return first
}

/** Minutes from the warning's message to the incident's start; negative when the incident began before it was posted. */
export function leadMinutes(warning: Pick<ScoredWarning, 'warnedAt'>, incident: Pick<ScoredIncident, 'startedAt'>): number {
  return (incident.startedAt.getTime() - warning.warnedAt.getTime()) / MINUTE_MS
}

/**
 * What became of a warning at `now`: confirmed by the first incident within its horizon; a false
 * alarm once the horizon has passed without one and the metric has recovered (`recovered`, from
 * re-reading it: null when it could not be read); open otherwise.
 */
export function decideWarning(warning: ScoredWarning, incidents: readonly ScoredIncident[], now: Date, recovered: boolean | null): WarningDecision {
  const incident = confirmingIncident(warning, incidents)
  if (incident) return { status: 'confirmed', incidentId: incident.id, leadMinutes: leadMinutes(warning, incident) }
  if (now.getTime() <= horizonEnd(warning).getTime()) return { status: 'open', awaiting: 'horizon' }
  return recovered === true ? { status: 'false_alarm' } : { status: 'open', awaiting: 'recovery' }
}

/**
 * Whether the metric of a warning has recovered, from its points re-read up to `now`: the median
 * of the last RECOVERY_WINDOW_MINUTES back within a quarter of the anomaly's jump above the level
 * before it, or for a forecast below the limit and no longer forecast to reach it within the
 * horizon. Null when the window holds no point (nothing to judge from).
 */
export function hasRecovered(
  warning: Pick<ScoredWarning, 'kind' | 'level' | 'baseline' | 'horizonMinutes'>,
  points: readonly MetricPoint[],
  now: Date,
): boolean | null {
  const since = now.getTime() - RECOVERY_WINDOW_MINUTES * MINUTE_MS
  const recent = points.filter((p) => p.at.getTime() > since && p.at.getTime() <= now.getTime() && Number.isFinite(p.value)).map((p) => p.value)
  if (recent.length === 0) return null
  const level = median(recent)
  if (warning.kind === 'anomaly') {
    if (warning.baseline === null) return null
    return level <= warning.baseline + RECOVERED_JUMP_SHARE * Math.max(0, warning.level - warning.baseline)
  }
  if (level >= SATURATION_LIMIT) return false
  const timed = points.map((p) => ({ at: p.at.getTime(), value: p.value }))
  return forecastSaturation(timed, { now: now.getTime(), limit: SATURATION_LIMIT, horizonMinutes: warning.horizonMinutes }) === null
}
