import { formatDuration } from '../durations'
import type { Comparison, Digest, TimeFigure, Trend } from './compute-digest'

/** ↑ ↓ → for a figure against the previous period; a blank when there is nothing to compare with. */
export function trendArrow(trend: Trend): string {
  return trend === 'up' ? '↑' : trend === 'down' ? '↓' : trend === 'flat' ? '→' : ''
}

/** `text` followed by its arrow, when there is one. */
export function withArrow(text: string, trend: Trend): string {
  const arrow = trendArrow(trend)
  return arrow ? `${text} ${arrow}` : text
}

/** "12 ↑ (was 7)". */
export function comparisonText(c: Comparison): string {
  return `${withArrow(String(c.current), c.trend)} (was ${c.previous})`
}

export function percentText(x: number | null): string {
  return x === null ? 'n/a' : `${Math.round(x * 100)} %`
}

function secondsText(seconds: number | null): string {
  return seconds === null ? 'n/a' : formatDuration(seconds * 1000)
}

/** "median 14 min, p90 2 h ↓ (was 20 min, p90 3 h); 9 of 12 incidents had the times". */
export function timeFigureText(t: TimeFigure, what = 'incidents'): string {
  const now = `median ${secondsText(t.medianSeconds)}, p90 ${secondsText(t.p90Seconds)}`
  const before = t.previousMedianSeconds === null ? 'none before' : `was ${secondsText(t.previousMedianSeconds)}, p90 ${secondsText(t.previousP90Seconds)}`
  return `${withArrow(now, t.trend)} (${before}); ${t.withTimes} of ${t.of} ${what} had the times`
}

/** The digest as plain text: what the CLI writes to digest.txt and the demo prints. Nothing is escaped: it is not mrkdwn. */
export function digestToText(d: Digest): string {
  const lines: string[] = []
  const rule = (title: string) => lines.push('', title, '-'.repeat(title.length))
  lines.push(`Trend digest ${d.period.label} (${d.period.days} days, ${d.period.timeZone}), compared with ${d.previousPeriod.label}`)
  rule('Incidents')
  lines.push(`Total: ${comparisonText(d.incidents.total)}`)
  lines.push(`By severity: ${d.incidents.bySeverity.map((s) => `${s.severity} ${comparisonText(s)}`).join(', ')}`)
  for (const s of d.incidents.byService) lines.push(`  ${s.service ?? '(no service)'}: ${comparisonText(s)}`)
  rule('Response times')
  lines.push(`Time to acknowledge: ${timeFigureText(d.responseTimes.acknowledge)}`)
  lines.push(`Time to mitigate: ${timeFigureText(d.responseTimes.mitigate)}`)
  lines.push(`Time to resolve: ${timeFigureText(d.responseTimes.resolve)}`)
  rule('Noisiest alerts')
  if (d.noisyAlerts.length === 0) lines.push('None.')
  for (const n of d.noisyAlerts) {
    lines.push(`  ${n.policy ?? n.title} (${n.service ?? 'no service'}, latest INC-${n.latestIncident}): ${comparisonText(n.incidents)}${noiseTags(n)}`)
  }
  rule('Recurring errors')
  if (d.recurringErrors.length === 0) lines.push('None seen around more than one incident.')
  for (const e of d.recurringErrors) {
    const where = e.incidentNumbers.map((n) => `INC-${n}`).join(', ')
    lines.push(`  ${e.service}: ${e.template} — ${e.incidents} incident(s) now (${where}), ${e.earlierIncidents} in the 30 days before`)
  }
  rule('Playbooks')
  lines.push(`Runs: ${comparisonText(d.playbooks.runs)}`)
  for (const p of d.playbooks.byPlaybook) lines.push(`  ${p.title} (${p.playbookId}): ${playbookOutcomeText(p)}`)
  const a = d.playbooks.approvals
  lines.push(`Approvals: ${a.requested} requested, ${a.decided} decided, ${a.expired} expired, ${a.pending} pending`)
  lines.push(`Approval latency: ${timeFigureText(a.latency, 'requests')}`)
  rule("The bot's accuracy")
  lines.push(accuracyLines(d).join('\n'))
  rule('Proactive warnings')
  lines.push(warningLines(d).join('\n'))
  rule('Follow-up actions')
  lines.push(`Open: ${comparisonText(d.followups.open)}; overdue: ${comparisonText(d.followups.overdue)}`)
  for (const f of d.followups.overdueList) lines.push(`  INC-${f.incidentNumber}: ${f.text} (owner ${f.owner}, due ${f.dueOn})`)
  return `${lines.join('\n')}\n`
}

export function noiseTags(n: Digest['noisyAlerts'][number]): string {
  const tags = [
    n.frequent ? `frequent: ${percentText(n.shareOfService30d)} of its service's incidents in 30 days` : null,
    n.new ? 'new: not seen in the 30 days before' : null,
    n.flapping > 0 ? `flapping: re-fired within an hour of resolving ${n.flapping}×` : null,
  ].filter((t) => t !== null)
  return tags.length ? ` — ${tags.join('; ')}` : ''
}

export function playbookOutcomeText(p: Digest['playbooks']['byPlaybook'][number]): string {
  const parts = [
    `${p.runs} run(s)`,
    p.completed ? `${p.completed} completed` : null,
    p.failed ? `${p.failed} failed` : null,
    p.rejected ? `${p.rejected} rejected` : null,
    p.cancelled ? `${p.cancelled} cancelled` : null,
    p.inProgress ? `${p.inProgress} in progress` : null,
  ]
  return parts.filter((x) => x !== null).join(', ')
}

/** Lines on the diagnosis labels, the similar-incident hit rate and the calibration (no markup). */
export function accuracyLines(d: Digest): string[] {
  const { diagnosis, similar, calibration } = d.accuracy
  const brier = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3))
  return [
    `Diagnoses marked right ${diagnosis.right}, partly ${diagnosis.partly}, wrong ${diagnosis.wrong}, not sure ${diagnosis.notSure}: ` +
      `${withArrow(`${percentText(diagnosis.rightShare)} right`, diagnosis.trend)} (was ${percentText(diagnosis.previousRightShare)})`,
    `Similar incidents: the best match was the one the team named in ${similar.hits} of ${similar.recorded} ` +
      `(${withArrow(percentText(similar.hitRate), similar.trend)}, was ${percentText(similar.previousHitRate)})`,
    `Calibration on ${calibration.labelled} labelled diagnoses: ${withArrow(`Brier ${brier(calibration.brier)}`, calibration.trend)} ` +
      `(was ${brier(calibration.previousBrier)}; lower is better, 0.25 is a coin toss)`,
  ]
}

/** Lines on the telemetry scan's warnings and what became of them (no markup). */
export function warningLines(d: Digest): string[] {
  const w = d.warnings
  if (w === null) return ['Not read.']
  const lead = w.medianLeadMinutes === null ? 'n/a' : `${Math.round(w.medianLeadMinutes)} min`
  const lines = [
    `Posted ${comparisonText(w.posted)}: ${w.confirmed} confirmed, ${w.falseAlarms} false alarm(s), ${w.open} open; ` +
      `marked useful ${w.marks.useful}, not useful ${w.marks.notUseful}`,
    `Precision ${withArrow(percentText(w.precision), w.precisionTrend)} (was ${percentText(w.previousPrecision)}); ` +
      `recall ${withArrow(percentText(w.recall), w.recallTrend)}: ${w.forewarned} of ${w.incidents} incidents forewarned ` +
      `(was ${percentText(w.previousRecall)}); median lead ${lead}`,
  ]
  for (const s of w.falseAlarmsByService) lines.push(`False alarms on ${s.service}: ${s.falseAlarms} (${s.perWeek.toFixed(1)} a week)`)
  return lines
}
