import type { EvidenceItem } from '../analysis/evidence'
import { formatDuration, MINUTE_MS } from '../durations'
import type { Forewarning, WarningAccuracy } from './warning-accuracy'

function utc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function share(part: number, whole: number, ratio: number | null): string {
  return ratio === null ? `n/a (${part} of ${whole})` : `${(ratio * 100).toFixed(1)} % (${part} of ${whole})`
}

function minutes(m: number): string {
  return m < 0 ? `-${formatDuration(-m * MINUTE_MS)}` : formatDuration(m * MINUTE_MS)
}

/** "forewarned by the warning at 09:12 UTC (lead 23 min)": how an incident's forewarning is said. */
export function describeForewarning(f: { warnedAt: Date; leadMinutes: number }): string {
  return `forewarned by the warning at ${f.warnedAt.toISOString().slice(11, 16)} UTC (lead ${minutes(f.leadMinutes)})`
}

/** The evidence item an analysis shows when a proactive warning preceded its incident. */
export function forewarningEvidence(f: Forewarning & { summary: string }): EvidenceItem {
  return {
    source: 'metrics',
    title: `${describeForewarning(f).replace(/^f/, 'F')}`,
    detail: f.summary,
    link: null,
    anomalous: true,
    data: { warningId: f.warningId, warnedAt: f.warnedAt.toISOString(), leadMinutes: f.leadMinutes },
  }
}

/** The figures as `sre-agent warnings stats` prints them: a table a person reads in a terminal. */
export function warningStatsText(stats: WarningAccuracy): string {
  const rows: Array<[string, string]> = [
    ['warnings', `${stats.warnings} (confirmed ${stats.confirmed}, false alarms ${stats.falseAlarms}, open ${stats.open})`],
    ['precision', share(stats.confirmed, stats.confirmed + stats.falseAlarms, stats.precision)],
    ['recall', share(stats.forewarned, stats.incidents, stats.recall)],
    ['median lead', stats.medianLeadMinutes === null ? 'n/a' : minutes(stats.medianLeadMinutes)],
    ['marked', `useful ${stats.marks.useful}, not useful ${stats.marks.notUseful}`],
  ]
  const lines = [`Proactive warnings from ${utc(stats.since)} to ${utc(stats.until)}`, '', ...rows.map(([k, v]) => `${k.padEnd(14)}${v}`)]
  if (stats.falseAlarmsByService.length > 0) {
    const width = Math.max(7, ...stats.falseAlarmsByService.map((s) => s.service.length)) + 2
    lines.push('', `${'service'.padEnd(width)}${'false alarms'.padEnd(14)}per week`)
    for (const s of stats.falseAlarmsByService) lines.push(`${s.service.padEnd(width)}${String(s.falseAlarms).padEnd(14)}${s.perWeek.toFixed(2)}`)
  }
  if (stats.forewarnings.length > 0) {
    lines.push('', 'Forewarned incidents')
    for (const f of stats.forewarnings) lines.push(`INC-${f.incidentNumber}  ${describeForewarning(f)}`)
  }
  return `${lines.join('\n')}\n`
}
