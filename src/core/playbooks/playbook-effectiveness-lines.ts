import { formatDuration, SECOND_MS } from '../durations'
import type { Figures, PlaybookFigures, StepFigures, VersionFigures } from './playbook-effectiveness'

/**
 * The figures as plain-text lines, the same wording in Slack (escaped there), the CLI and the post-incident review.
 * Pure.
 */

/** "#1 Title (id, v3): worked 80 % of 10 runs …" */
export function playbookHeadline(f: PlaybookFigures): string {
  const rank = f.rank === null ? '' : `#${f.rank} `
  const version = f.currentVersion === null ? 'no longer in the catalogue' : `v${f.currentVersion}`
  return `${rank}${f.title} (${f.playbookId}, ${version}): ${f.all.score.wording}`
}

/** Runs, outcomes, decisive findings, time to mitigate and approvals: one line each. */
export function figureLines(f: Figures): string[] {
  if (f.runs === 0) return ['no runs yet']
  const o = f.outcomes
  const lines = [
    `${f.runs} run${f.runs === 1 ? '' : 's'} on ${f.incidents} incident${f.incidents === 1 ? '' : 's'}; ` +
      `fixed by its actions: worked ${o.worked}, partly ${o.partly}, failed ${o.failed}; ` +
      `fixed otherwise ${o.other_fix}; outcome not recorded ${o.not_recorded}`,
  ]
  if (o.worked > 0) lines.push(`a decisive finding in ${f.decidedRuns} of the ${o.worked} incidents it fixed`)
  lines.push(f.mitigation.wording)
  lines.push(approvalLine(f))
  return lines
}

function approvalLine(f: Figures): string {
  const a = f.approvals
  const others = `${a.autoApproved} auto-approved, ${a.rejected} rejected, ${a.expired} expired`
  if (a.decided === 0 || a.medianLatencySeconds === null) return `approval latency: no decision by a person yet (${others})`
  return `approval latency: median ${duration(a.medianLatencySeconds)} over ${a.decided} decision${a.decided === 1 ? '' : 's'} by people (${others})`
}

/** "check-pool (query): ran 10, failed 0, skipped 2, decisive 6, median 42 s" */
export function stepLine(s: StepFigures): string {
  const found = s.kind === 'query' || s.kind === 'check' ? `, found ${s.findings}, decisive ${s.decisive}` : ''
  const median = s.medianDurationSeconds === null ? '' : `, median ${duration(s.medianDurationSeconds)}`
  return `${s.stepId} (${s.kind}): ran ${s.ran}, failed ${s.failed}, skipped ${s.skipped}${found}${median}`
}

/** One line for a version: "v2 (current): worked 3 of 4 runs with a recorded outcome …". */
export function versionLine(v: VersionFigures, current: number | null): string {
  return `v${v.version}${v.version === current ? ' (current)' : ''}: ${v.runs} run${v.runs === 1 ? '' : 's'}; ${v.score.wording}`
}

function duration(seconds: number): string {
  return formatDuration(seconds * SECOND_MS)
}
