import type { Hypothesis } from '../analysis/detect-hypotheses'
import type { EvidenceItem } from '../analysis/evidence'
import type { CapacityReport, Recommendation } from './analyze-capacity'

const SATURATION_HYPOTHESES = ['memory-leak:', 'pool-exhaustion:']
const SATURATION_WORDS = /\b(cpu|saturat\w*|throttl\w*|out of memory|oom\w*|capacity)\b/i

/**
 * The service whose capacity belongs in the analysis: the target of a saturation hypothesis
 * (memory towards OOM, an exhausted pool), or the alerting service when the alert speaks of
 * CPU, throttling, OOM or capacity. Null when saturation is not part of the explanation.
 */
export function saturationTarget(best: Hypothesis | null, service: string | null, alertText: string): string | null {
  if (best && SATURATION_HYPOTHESES.some((p) => best.id.startsWith(p))) return best.target
  return service && SATURATION_WORDS.test(alertText) ? service : null
}

/** Resource units a week, signed: "+50 vCPU-h, +75 GiB-h a week". */
export function costPerWeek(r: Pick<Recommendation, 'vcpuHoursPerWeek' | 'gibHoursPerWeek'>): string {
  const one = (x: number, unit: string) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x)} ${unit}`
  return `${one(r.vcpuHoursPerWeek, 'vCPU-h')}, ${one(r.gibHoursPerWeek, 'GiB-h')} a week`
}

/** The capacity line of an analysis and the evidence it stands on; the first suggestion, or why none. */
export function capacityEvidence(report: CapacityReport): { line: string; evidence: EvidenceItem } {
  const first = report.recommendations[0]
  const line = first
    ? `capacity of ${report.service}: ${first.summary} (${costPerWeek(first)})`
    : `capacity of ${report.service}: no change needed — ${report.notes[0] ?? 'not enough history to size'}`
  return {
    line,
    evidence: {
      source: 'metrics',
      title: `Capacity of ${report.service} (${report.settings.source})`,
      detail: [...report.recommendations.map((r) => `${r.summary} (${costPerWeek(r)})`), ...report.notes].join('\n'),
      link: null,
      anomalous: report.verdict === 'scale-up',
      data: {
        service: report.service,
        deployment: report.settings.deployment ?? null,
        verdict: report.verdict,
        recommendations: report.recommendations.map(({ kind, from, to, before, after, vcpuHoursPerWeek, gibHoursPerWeek, summary }) => ({
          kind,
          from,
          to,
          before,
          after,
          vcpuHoursPerWeek,
          gibHoursPerWeek,
          summary,
        })),
      },
    },
  }
}
