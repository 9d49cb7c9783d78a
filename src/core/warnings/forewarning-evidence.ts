import type { EvidenceItem } from '../analysis/evidence'
import { formatDuration, MINUTE_MS } from '../durations'
import type { Forewarning } from './warning-accuracy'

/** Minutes as a person reads them ("23 min", "1 h 5 min"); a negative lead keeps its sign. */
export function formatLeadMinutes(m: number): string {
  return m < 0 ? `-${formatDuration(-m * MINUTE_MS)}` : formatDuration(m * MINUTE_MS)
}

/** "forewarned by the warning at 09:12 UTC (lead 23 min)": how an incident's forewarning is said. */
export function describeForewarning(f: { warnedAt: Date; leadMinutes: number }): string {
  return `forewarned by the warning at ${f.warnedAt.toISOString().slice(11, 16)} UTC (lead ${formatLeadMinutes(f.leadMinutes)})`
}

/** The evidence item an analysis shows when a proactive warning preceded its incident. */
export function forewarningEvidence(f: Forewarning & { summary: string }): EvidenceItem {
  return {
    source: 'metrics',
    title: `F${describeForewarning(f).slice(1)}`,
    detail: f.summary,
    link: null,
    anomalous: true,
    data: { warningId: f.warningId, warnedAt: f.warnedAt.toISOString(), leadMinutes: f.leadMinutes },
  }
}
