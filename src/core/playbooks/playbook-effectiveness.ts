import { AUTO_APPROVER } from '../approvals/auto-approval-policy'
import { formatDuration, SECOND_MS } from '../durations'
import type { Playbook, PlaybookStep } from './schema'

/**
 * How well each playbook (and each version of it) works, from its stored runs and the resolutions the team recorded.
 * Pure: the history in (storage/repositories/playbook-effectiveness.ts reads it), the figures out.
 *
 * Definitions used throughout:
 * - The playbook that fixed an incident is the one recorded on the incident (`incidents.playbook_id`), else the playbook of
 *   the incident's latest run in which an action succeeded (what the Resolve form offers as "what fixed it").
 * - A playbook's outcome on an incident is that incident's recorded outcome (worked / partly / failed) when the playbook
 *   fixed it; `other_fix` when the team recorded a resolution that was not this playbook's action; else `not_recorded`.
 *   Each incident counts once per playbook: its latest run of that playbook is the credited run (earlier runs still count
 *   as runs and in the per-step figures).
 * - The decisive step of a credited run whose outcome is `worked`: of the steps before the gate of the last action that
 *   succeeded, the step tested by the last branch taken (the branch chose the path to the action on its outcome), else
 *   the last query whose assertion held or check that found the endpoint unhealthy. A run with neither has none.
 * - A step is skipped when a branch jumped over it: no row at its position in a completed run, or a row-less position
 *   before the last recorded one (plus rows stored as `skipped`).
 * - A step's duration is from the end of the step run before it (or the run's start) to its own end: the time the run
 *   spent on it, the wait for a person included.
 */

export type RecordedOutcome = 'worked' | 'partly' | 'failed' | 'unknown'
export type FixOutcome = 'worked' | 'partly' | 'failed' | 'other_fix' | 'not_recorded'

export interface IncidentFacts {
  id: string
  number: number
  service: string | null
  policyName: string | null
  errorSignature: string | null
  /** `incidents.playbook_id`, else the playbook of its latest run whose action succeeded (see above). */
  fixedByPlaybookId: string | null
  outcome: RecordedOutcome | null
  resolutionRecorded: boolean
  ttmSeconds: number | null
}

export interface StepRecord {
  position: number
  stepId: string
  kind: string
  status: 'succeeded' | 'failed' | 'skipped' | 'waiting'
  /** As stored (storage/schema/playbooks.ts stepOutcomeSchema); these are the keys the figures read. */
  outcome: { passed?: boolean; value?: number | null; tested?: string; goto?: number; decision?: string; by?: string | null; error?: string; detail?: string }
  startedAt: Date
  finishedAt: Date | null
}

export interface ApprovalRecord {
  stepPosition: number | null
  status: 'pending' | 'approved' | 'rejected' | 'expired'
  decidedBy: string | null
  requestedAt: Date
  decidedAt: Date | null
}

export interface RunRecord {
  executionId: string
  playbookId: string
  playbookVersion: number
  /** The definition as it was run. */
  definition: Playbook
  status: string
  startedAt: Date
  incident: IncidentFacts
  steps: StepRecord[]
  approvals: ApprovalRecord[]
}

/** An incident with a time to mitigate, for the comparison with incidents a playbook did not run on. */
export interface ComparableIncident {
  id: string
  service: string | null
  policyName: string | null
  errorSignature: string | null
  ttmSeconds: number
  /** Playbooks that ran on it. */
  playbookIds: string[]
}

export interface PlaybookHistory {
  /** The current catalogue: each playbook's live version. */
  playbooks: Array<{ id: string; title: string; version: number; definition: Playbook }>
  runs: RunRecord[]
  comparables: ComparableIncident[]
}

export type OutcomeCounts = Record<FixOutcome, number>

export interface EffectivenessScore {
  /** worked + half of partly. */
  successes: number
  /** Incidents with a recorded outcome (worked, partly, failed, fixed otherwise). */
  trials: number
  rate: number | null
  /** 95 % Wilson score interval of the worked rate. */
  lowerBound: number
  upperBound: number
  scored: boolean
  moreRunsNeeded: number
  wording: string
}

export interface MitigationComparison {
  withPlaybook: { medianSeconds: number | null; n: number }
  without: { medianSeconds: number | null; n: number }
  /** Which incidents without the playbook it is compared with; null when too few of either kind. */
  comparison: 'service' | 'kind' | null
  wording: string
}

export interface ApprovalFigures {
  /** Decided by a person (approved or rejected). */
  decided: number
  medianLatencySeconds: number | null
  autoApproved: number
  rejected: number
  expired: number
}

export interface StepFigures {
  stepId: string
  kind: PlaybookStep['kind']
  title: string
  ran: number
  failed: number
  skipped: number
  decisive: number
  /** query: the assertion held; check: the endpoint was unhealthy. */
  findings: number
  medianDurationSeconds: number | null
  /** query: measured values when the assertion held, on credited runs whose fix worked, and on those with failed / other fixes. */
  heldValues: { onWorking: number[]; onOther: number[] }
  /** action: runs by how its gate passed, and how many of those failed (the action, or the recorded fix). */
  gate: { auto: { ran: number; failed: number }; human: { ran: number; failed: number } }
}

export interface Figures {
  runs: number
  incidents: number
  outcomes: OutcomeCounts
  /** Credited runs that worked and had a decisive step. */
  decidedRuns: number
  mitigation: MitigationComparison
  approvals: ApprovalFigures
  score: EffectivenessScore
}

export interface VersionFigures extends Figures {
  version: number
  definition: Playbook
  steps: StepFigures[]
}

export interface PlaybookFigures {
  playbookId: string
  title: string
  currentVersion: number | null
  /** 1 for the best scored playbook; null until it has enough runs with a recorded outcome. */
  rank: number | null
  all: Figures
  /** Newest first. */
  versions: VersionFigures[]
}

/** Runs with a recorded outcome a playbook needs before its score is ranked. */
export const MIN_SCORED_RUNS = 5
/** Incidents without the playbook a time-to-mitigate comparison needs. */
export const MIN_COMPARABLE_INCIDENTS = 3
const Z_95 = 1.959964

/** Figures for every playbook in the catalogue or in the runs, ranked by the lower bound of their worked rate. */
export function computePlaybookEffectiveness(history: PlaybookHistory): PlaybookFigures[] {
  const ids = new Set([...history.playbooks.map((p) => p.id), ...history.runs.map((r) => r.playbookId)])
  const figures = [...ids].map((id) => playbookFigures(id, history))
  const ranked = figures.filter((f) => f.all.score.scored).toSorted(byScore)
  ranked.forEach((f, i) => {
    f.rank = i + 1
  })
  const unranked = figures
    .filter((f) => !f.all.score.scored)
    .toSorted((a, b) => b.all.score.trials - a.all.score.trials || a.playbookId.localeCompare(b.playbookId))
  return [...ranked, ...unranked]
}

function byScore(a: PlaybookFigures, b: PlaybookFigures): number {
  return b.all.score.lowerBound - a.all.score.lowerBound || b.all.score.trials - a.all.score.trials || a.playbookId.localeCompare(b.playbookId)
}

function playbookFigures(playbookId: string, history: PlaybookHistory): PlaybookFigures {
  const current = history.playbooks.find((p) => p.id === playbookId) ?? null
  const runs = history.runs.filter((r) => r.playbookId === playbookId).toSorted((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
  const credited = creditedRuns(runs)
  const comparables = history.comparables.filter((c) => !c.playbookIds.includes(playbookId))
  const versions = [...new Set(runs.map((r) => r.playbookVersion))].sort((a, b) => b - a)
  if (current && !versions.includes(current.version)) versions.unshift(current.version)
  return {
    playbookId,
    title: current?.title ?? runs.at(-1)?.definition.title ?? playbookId,
    currentVersion: current?.version ?? null,
    rank: null,
    all: figuresOf(runs, credited, comparables),
    versions: versions.map((version) => {
      const ofVersion = runs.filter((r) => r.playbookVersion === version)
      const definition = (version === current?.version ? current.definition : undefined) ?? ofVersion.at(-1)!.definition
      const creditedOfVersion = new Map([...credited].filter(([, r]) => r.playbookVersion === version))
      return {
        version,
        definition,
        ...figuresOf(ofVersion, creditedOfVersion, comparables),
        steps: stepFigures(definition, ofVersion, creditedOfVersion),
      }
    }),
  }
}

/** The latest run of the playbook on each incident, by incident id. */
function creditedRuns(runs: RunRecord[]): Map<string, RunRecord> {
  const latest = new Map<string, RunRecord>()
  for (const r of runs) latest.set(r.incident.id, r)
  return latest
}

/** The playbook's outcome on the incident of `run` (see the definitions at the top). */
export function fixOutcomeOf(run: RunRecord): FixOutcome {
  const { incident } = run
  if (incident.fixedByPlaybookId === run.playbookId) {
    return incident.outcome === null || incident.outcome === 'unknown' ? 'not_recorded' : incident.outcome
  }
  return incident.resolutionRecorded && incident.outcome !== null && incident.outcome !== 'unknown' ? 'other_fix' : 'not_recorded'
}

function figuresOf(runs: RunRecord[], credited: Map<string, RunRecord>, comparables: ComparableIncident[]): Figures {
  const outcomes: OutcomeCounts = { worked: 0, partly: 0, failed: 0, other_fix: 0, not_recorded: 0 }
  let decidedRuns = 0
  for (const run of credited.values()) {
    const outcome = fixOutcomeOf(run)
    outcomes[outcome]++
    if (outcome === 'worked' && decisiveStepOf(run) !== null) decidedRuns++
  }
  return {
    runs: runs.length,
    incidents: credited.size,
    outcomes,
    decidedRuns,
    mitigation: compareMitigation(
      [...credited.values()].map((r) => r.incident),
      comparables,
    ),
    approvals: approvalFigures(runs),
    score: scoreOutcomes(outcomes),
  }
}

/** The worked rate with a 95 % Wilson interval; partly counts as half a success, fixed otherwise as a failure. */
export function scoreOutcomes(outcomes: Pick<OutcomeCounts, 'worked' | 'partly' | 'failed' | 'other_fix'>): EffectivenessScore {
  const trials = outcomes.worked + outcomes.partly + outcomes.failed + outcomes.other_fix
  const successes = outcomes.worked + outcomes.partly / 2
  const { lower, upper } = wilsonInterval(successes, trials)
  const scored = trials >= MIN_SCORED_RUNS
  const moreRunsNeeded = Math.max(0, MIN_SCORED_RUNS - trials)
  const rate = trials === 0 ? null : successes / trials
  const wording = scored
    ? `worked ${pct(rate!)} of ${trials} runs with a recorded outcome (95 % interval ${pct(lower)}–${pct(upper)})`
    : `needs ${moreRunsNeeded} more run${moreRunsNeeded === 1 ? '' : 's'} with a recorded outcome to be ranked (has ${trials})`
  return { successes, trials, rate, lowerBound: lower, upperBound: upper, scored, moreRunsNeeded, wording }
}

/** Wilson score interval of a proportion at 95 %; [0, 1] with no trials. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): { lower: number; upper: number } {
  if (trials === 0) return { lower: 0, upper: 1 }
  const p = successes / trials
  const z2 = z * z
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) }
}

/** Time to mitigate on the playbook's incidents vs incidents without it: same service when there are enough, else same kind. */
export function compareMitigation(withIncidents: IncidentFacts[], comparables: ComparableIncident[]): MitigationComparison {
  const own = withIncidents.filter((i) => i.ttmSeconds !== null).map((i) => i.ttmSeconds!)
  const withPlaybook = { medianSeconds: median(own), n: own.length }
  const services = new Set(withIncidents.map((i) => i.service).filter((s) => s !== null))
  const policies = new Set(withIncidents.map((i) => i.policyName).filter((s) => s !== null))
  const signatures = new Set(withIncidents.map((i) => i.errorSignature).filter((s) => s !== null))
  const ownIds = new Set(withIncidents.map((i) => i.id))
  const others = comparables.filter((c) => !ownIds.has(c.id))
  const sameService = others.filter((c) => c.service !== null && services.has(c.service)).map((c) => c.ttmSeconds)
  const sameKind = others
    .filter((c) => (c.policyName !== null && policies.has(c.policyName)) || (c.errorSignature !== null && signatures.has(c.errorSignature)))
    .map((c) => c.ttmSeconds)
  const [comparison, values] =
    sameService.length >= MIN_COMPARABLE_INCIDENTS
      ? (['service', sameService] as const)
      : sameKind.length >= MIN_COMPARABLE_INCIDENTS
        ? (['kind', sameKind] as const)
        : ([null, []] as const)
  const without = { medianSeconds: median(values), n: values.length }
  let wording: string
  if (own.length === 0) wording = 'time to mitigate: none recorded on its incidents'
  else if (comparison === null)
    wording =
      `time to mitigate ${seconds(withPlaybook.medianSeconds!)} (median of ${own.length}); too few incidents without it to compare ` +
      `(${sameService.length} of the same service, ${sameKind.length} of the same alert policy or error signature; ${MIN_COMPARABLE_INCIDENTS} needed)`
  else
    wording =
      `time to mitigate ${seconds(withPlaybook.medianSeconds!)} (median of ${own.length}) vs ${seconds(without.medianSeconds!)} ` +
      `without it (median of ${without.n} incidents of the same ${comparison === 'service' ? 'service' : 'alert policy or error signature'})`
  return { withPlaybook, without, comparison, wording }
}

function approvalFigures(runs: RunRecord[]): ApprovalFigures {
  const all = runs.flatMap((r) => r.approvals)
  const byPeople = all.filter((a) => (a.status === 'approved' || a.status === 'rejected') && a.decidedAt !== null && a.decidedBy !== AUTO_APPROVER)
  return {
    decided: byPeople.length,
    medianLatencySeconds: median(byPeople.map((a) => Math.max(0, (a.decidedAt!.getTime() - a.requestedAt.getTime()) / 1000))),
    autoApproved: all.filter((a) => a.status === 'approved' && a.decidedBy === AUTO_APPROVER).length,
    rejected: all.filter((a) => a.status === 'rejected').length,
    expired: all.filter((a) => a.status === 'expired').length,
  }
}

/** The step of a credited, working run whose outcome led to the action that worked (see the definitions at the top). */
export function decisiveStepOf(run: RunRecord): string | null {
  const steps = run.steps.toSorted((a, b) => a.position - b.position)
  const action = steps.findLast((s) => s.kind === 'action' && s.status === 'succeeded')
  if (!action) return null
  const gateIndex = run.definition.steps.findIndex((s) => s.kind === 'approval' && s.for === action.stepId)
  const before = steps.filter((s) => s.position < (gateIndex === -1 ? action.position : gateIndex))
  const branch = before.findLast((s) => s.kind === 'branch' && s.status === 'succeeded' && s.outcome.tested)
  if (branch) {
    const tested = before.find((s) => s.stepId === branch.outcome.tested && (s.kind === 'query' || s.kind === 'check'))
    if (tested) return tested.stepId
  }
  return before.findLast((s) => s.status === 'succeeded' && isFinding(s))?.stepId ?? null
}

function isFinding(s: StepRecord): boolean {
  return (s.kind === 'query' && s.outcome.passed === true) || (s.kind === 'check' && s.outcome.passed === false)
}

function stepFigures(definition: Playbook, runs: RunRecord[], credited: Map<string, RunRecord>): StepFigures[] {
  const figures = new Map<string, StepFigures>(
    definition.steps.map((s) => [
      s.id,
      {
        stepId: s.id,
        kind: s.kind,
        title: s.title,
        ran: 0,
        failed: 0,
        skipped: 0,
        decisive: 0,
        findings: 0,
        medianDurationSeconds: null,
        heldValues: { onWorking: [], onOther: [] },
        gate: { auto: { ran: 0, failed: 0 }, human: { ran: 0, failed: 0 } },
      },
    ]),
  )
  const durations = new Map<string, number[]>()
  const creditedIds = new Set([...credited.values()].map((r) => r.executionId))
  for (const run of runs) {
    const steps = run.steps.toSorted((a, b) => a.position - b.position)
    const outcome = creditedIds.has(run.executionId) ? fixOutcomeOf(run) : null
    const decisive = outcome === 'worked' ? decisiveStepOf(run) : null
    let previousEnd = run.startedAt
    for (const s of steps) {
      const f = figures.get(s.stepId)
      if (s.status === 'skipped' && f) f.skipped++
      if (s.status !== 'succeeded' && s.status !== 'failed') continue
      if (f) {
        f.ran++
        if (s.status === 'failed') f.failed++
        if (s.status === 'succeeded' && isFinding(s)) f.findings++
        if (s.stepId === decisive) f.decisive++
        if (s.finishedAt) {
          const spent = (s.finishedAt.getTime() - previousEnd.getTime()) / 1000
          if (spent >= 0) {
            const list = durations.get(s.stepId)
            if (list) list.push(spent)
            else durations.set(s.stepId, [spent])
          }
        }
        const value = s.outcome.value
        if (s.kind === 'query' && s.status === 'succeeded' && s.outcome.passed === true && typeof value === 'number' && Number.isFinite(value)) {
          if (outcome === 'worked') f.heldValues.onWorking.push(value)
          else if (outcome === 'failed' || outcome === 'other_fix') f.heldValues.onOther.push(value)
        }
        if (s.kind === 'action') {
          const gate = gateRecordOf(run, steps, s.stepId)
          const side = gate?.outcome.by === AUTO_APPROVER ? f.gate.auto : f.gate.human
          side.ran++
          if (s.status === 'failed' || outcome === 'failed') side.failed++
        }
      }
      if (s.finishedAt) previousEnd = s.finishedAt
    }
    const last = steps.findLast((s) => s.status !== 'skipped')?.position ?? -1
    definition.steps.forEach((d, position) => {
      const recorded = steps.some((s) => s.position === position)
      if (!recorded && (position < last || run.status === 'completed')) {
        const f = figures.get(d.id)
        if (f && run.definition.steps[position]?.id === d.id) f.skipped++
      }
    })
  }
  for (const [id, values] of durations) figures.get(id)!.medianDurationSeconds = median(values)
  return [...figures.values()]
}

function gateRecordOf(run: RunRecord, steps: StepRecord[], actionId: string): StepRecord | undefined {
  const gate = run.definition.steps.findIndex((d) => d.kind === 'approval' && d.for === actionId)
  return steps.find((s) => s.position === gate)
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = values.toSorted((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`
}

function seconds(s: number): string {
  return formatDuration(s * SECOND_MS)
}
