import type { CapacityReport } from '../capacity/analyze-capacity'
import { assessServices, type CapacityDeps } from '../capacity/assess-capacity'
import { costPerWeek } from '../capacity/capacity-line'
import type { Digest } from './compute-digest'

/** At most this many services are sized for one digest: each costs a few metric reads of four weeks. */
export const DIGEST_CAPACITY_SERVICES = 8
/** Each service's sizing gets this long; one that takes longer is said as not sized, and the digest goes on. */
export const DIGEST_CAPACITY_DEADLINE_MS = 20_000

/** One service's line in the digest's capacity section, JSON-safe (it is stored with the digest's figures). */
export type DigestCapacityEntry =
  | {
      service: string
      sized: true
      verdict: CapacityReport['verdict']
      /** Each suggestion's one line with its arithmetic, and its cost in resource units a week. */
      suggestions: Array<{ summary: string; vcpuHoursPerWeek: number; gibHoursPerWeek: number }>
      /** The CPU and memory peaks (highest hourly mean) of the history read, 0..1; null without that history. */
      peaks: { cpu: number | null; memory: number | null }
      /** Why nothing is suggested, when nothing is. */
      note: string | null
    }
  | { service: string; sized: false; reason: string }

/** A service's sizing as the digest gathered it: the report (null: no workload behind the settings), or why it failed. */
export type SizingOutcome = { service: string; report: CapacityReport | null } | { service: string; error: string }

/**
 * The services worth sizing in a digest: those the telemetry scan warned about for saturation or utilisation in the
 * period (`warned`, most warned first), then those with incidents in the period, most first; at most `max`.
 */
export function capacityCandidates(digest: Digest, warned: readonly string[], max = DIGEST_CAPACITY_SERVICES): string[] {
  const withIncidents = digest.incidents.byService.filter((s) => s.current > 0 && s.service !== null).map((s) => s.service!)
  return [...new Set([...warned, ...withIncidents].map((s) => s.trim()).filter((s) => s !== ''))].slice(0, max)
}

/** The capacity section's entry for one service's sizing. */
export function capacityEntry(outcome: SizingOutcome): DigestCapacityEntry {
  const { service } = outcome
  if ('error' in outcome) return { service, sized: false, reason: outcome.error }
  const report = outcome.report
  if (!report) return { service, sized: false, reason: 'no workload found behind the capacity settings' }
  return {
    service,
    sized: true,
    verdict: report.verdict,
    suggestions: report.recommendations.map(({ summary, vcpuHoursPerWeek, gibHoursPerWeek }) => ({ summary, vcpuHoursPerWeek, gibHoursPerWeek })),
    peaks: { cpu: report.cpu?.peak ?? null, memory: report.memory?.peak ?? null },
    note: report.notes[0] ?? null,
  }
}

/**
 * One line per entry, no markup: "search: CPU peak 100 % of 6 replicas …; raise HPA max to 9 → 66 % — +49 vCPU-h, +74 GiB-h a week",
 * "no change needed (CPU peak 41 %, memory peak 60 %)", "could not be sized: reason". The service comes first, then `: `.
 */
export function capacityEntryText(e: DigestCapacityEntry): string {
  return `${e.service}: ${capacityVerdictText(e)}`
}

/** The entry's text after the service's name. */
export function capacityVerdictText(e: DigestCapacityEntry): string {
  if (!e.sized) return `could not be sized: ${e.reason}`
  if (e.verdict === 'no-data') return `not enough history to size${e.note ? ` (${e.note})` : ''}`
  const [first, ...rest] = e.suggestions
  if (!first) {
    const peaks = [e.peaks.cpu === null ? null : `CPU peak ${pct(e.peaks.cpu)}`, e.peaks.memory === null ? null : `memory peak ${pct(e.peaks.memory)}`]
    const said = peaks.filter((p): p is string => p !== null)
    return `no change needed${said.length > 0 ? ` (${said.join(', ')})` : ''}`
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more suggestion${rest.length > 1 ? 's' : ''})` : ''
  return `${first.summary} — ${costPerWeek(first)}${more}`
}

/** Sizes the digest's candidates through the ports, each within DIGEST_CAPACITY_DEADLINE_MS; never throws for one service. */
export async function sizeDigestServices(deps: CapacityDeps, services: readonly string[]): Promise<DigestCapacityEntry[]> {
  return (await assessServices(deps, services, DIGEST_CAPACITY_DEADLINE_MS)).map(capacityEntry)
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)} %`
}
