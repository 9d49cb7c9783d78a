import { median } from '../analysis/rca/clean-series'
import { WEEK_MS } from '../durations'
import { horizonEnd, type ScoredIncident, type ScoredWarning } from './proactive-warning'
import { leadMinutes } from './score-warning'

/** An incident a warning preceded: the earliest warning posted before it started, on a service it covers, within its horizon. */
export interface Forewarning {
  incidentId: string
  incidentNumber: number
  warningId: string
  warnedAt: Date
  leadMinutes: number
}

/** How the proactive warnings of a period did: what the digest and `sre-agent warnings stats` show. */
export interface WarningAccuracy {
  since: Date
  until: Date
  /** Warnings posted in the period, by what became of them. */
  warnings: number
  confirmed: number
  falseAlarms: number
  open: number
  /** confirmed / (confirmed + false alarms); null when none is decided yet. */
  precision: number | null
  /** Incidents started in the period on a watched service, and how many a warning preceded. */
  incidents: number
  forewarned: number
  /** forewarned / incidents; null without incidents. */
  recall: number | null
  /** Median minutes from a confirmed warning's message to its incident's start; null without confirmed warnings. */
  medianLeadMinutes: number | null
  /** Services with false alarms in the period, most first, with their rate per week of the period. */
  falseAlarmsByService: Array<{ service: string; falseAlarms: number; perWeek: number }>
  /** Responders' marks on the period's warnings. */
  marks: { useful: number; notUseful: number }
  forewarnings: Forewarning[]
}

export interface WarningAccuracyInput {
  since: Date
  until: Date
  /** Warnings posted in the period, and those before it whose horizon reaches into it (they may forewarn its incidents). */
  warnings: readonly ScoredWarning[]
  /** Incidents started in the period. */
  incidents: readonly ScoredIncident[]
  /** Services the scan watches; null counts every incident that names a service. */
  watched?: ReadonlySet<string> | null
}

/** The accuracy figures of the warnings posted, and the incidents started, in [since, until). */
export function warningAccuracy(input: WarningAccuracyInput): WarningAccuracy {
  const from = input.since.getTime()
  const to = input.until.getTime()
  const inPeriod = (at: Date) => at.getTime() >= from && at.getTime() < to
  const posted = input.warnings.filter((w) => inPeriod(w.warnedAt))
  const confirmed = posted.filter((w) => w.status === 'confirmed')
  const falseAlarms = posted.filter((w) => w.status === 'false_alarm')
  const incidents = input.incidents.filter((i) => inPeriod(i.startedAt) && i.service !== null && (!input.watched || input.watched.has(i.service)))
  const forewarnings = incidents.flatMap((incident) => {
    const found = forewarningOf(incident, input.warnings)
    return found ? [found] : []
  })
  const leads = confirmed.map((w) => w.leadMinutes).filter((m): m is number => m !== null)
  const weeks = Math.max(to - from, 0) / WEEK_MS
  const byService = new Map<string, number>()
  for (const w of falseAlarms) byService.set(w.service, (byService.get(w.service) ?? 0) + 1)
  const decided = confirmed.length + falseAlarms.length
  return {
    since: input.since,
    until: input.until,
    warnings: posted.length,
    confirmed: confirmed.length,
    falseAlarms: falseAlarms.length,
    open: posted.length - decided,
    precision: decided > 0 ? confirmed.length / decided : null,
    incidents: incidents.length,
    forewarned: forewarnings.length,
    recall: incidents.length > 0 ? forewarnings.length / incidents.length : null,
    medianLeadMinutes: leads.length > 0 ? median(leads) : null,
    falseAlarmsByService: [...byService]
      .map(([service, count]) => ({ service, falseAlarms: count, perWeek: weeks > 0 ? count / weeks : count }))
      .sort((a, b) => b.falseAlarms - a.falseAlarms || a.service.localeCompare(b.service)),
    marks: { useful: posted.filter((w) => w.mark === 'useful').length, notUseful: posted.filter((w) => w.mark === 'not_useful').length },
    forewarnings,
  }
}

/** The earliest warning posted at or before the incident's start, covering its service, whose horizon had not ended. */
export function forewarningOf(incident: ScoredIncident, warnings: readonly ScoredWarning[]): Forewarning | null {
  if (incident.service === null) return null
  const at = incident.startedAt.getTime()
  let best: ScoredWarning | null = null
  for (const w of warnings) {
    if (!w.covers.includes(incident.service) || w.warnedAt.getTime() > at || at > horizonEnd(w).getTime() || at < w.onsetAt.getTime()) continue
    if (!best || w.warnedAt.getTime() < best.warnedAt.getTime()) best = w
  }
  return best
    ? { incidentId: incident.id, incidentNumber: incident.number, warningId: best.id, warnedAt: best.warnedAt, leadMinutes: leadMinutes(best, incident) }
    : null
}
