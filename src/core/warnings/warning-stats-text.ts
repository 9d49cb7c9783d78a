import { describeForewarning, formatLeadMinutes } from './forewarning-evidence'
import type { WarningAccuracy } from './warning-accuracy'

function utc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function share(part: number, whole: number, ratio: number | null): string {
  return ratio === null ? `n/a (${part} of ${whole})` : `${(ratio * 100).toFixed(1)} % (${part} of ${whole})`
}

/** The figures as `sre-agent warnings stats` prints them: a table a person reads in a terminal. */
export function warningStatsText(stats: WarningAccuracy): string {
  const rows: Array<[string, string]> = [
    ['warnings', `${stats.warnings} (confirmed ${stats.confirmed}, false alarms ${stats.falseAlarms}, open ${stats.open})`],
    ['precision', share(stats.confirmed, stats.confirmed + stats.falseAlarms, stats.precision)],
    ['recall', share(stats.forewarned, stats.incidents, stats.recall)],
    ['median lead', stats.medianLeadMinutes === null ? 'n/a' : formatLeadMinutes(stats.medianLeadMinutes)],
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
