import type { HandRunLogQuery } from './hand-run-queries'
import type { PlaybookEditSuggestion } from './playbook-edit-suggestion'
import type { PlaybookFigures, StepFigures, VersionFigures } from './playbook-effectiveness'
import { playbookSchema, type Playbook, type PlaybookStep, type QueryStep } from './schema'

/** The minimum evidence before an edit is proposed: below these, the figures say nothing and no edit is suggested. */
export interface SuggestionThresholds {
  /** drop / move: the step ran at least this many times in runs of the current version… */
  minStepRuns: number
  /** …which fixed at least this many incidents, none of them on its finding. Also the working runs a threshold change must keep. */
  minWorkingRuns: number
  /** raise-threshold: the assertion held on at least this many runs whose incident the playbook did not fix. */
  minHealthyFires: number
  /** add-approval: auto-approved runs of the action, and how many of them failed. */
  minAutoApprovedRuns: number
  minAutoApprovedFailures: number
  /** add-query: responders ran the same log query by hand in at least this many incidents the current version ran on. */
  minHandRunIncidents: number
}

export const DEFAULT_SUGGESTION_THRESHOLDS: SuggestionThresholds = {
  minStepRuns: 10,
  minWorkingRuns: 3,
  minHealthyFires: 5,
  minAutoApprovedRuns: 3,
  minAutoApprovedFailures: 2,
  minHandRunIncidents: 2,
}

/**
 * Concrete edits to the current version of a playbook, from its figures (computePlaybookEffectiveness): each a whole new
 * definition (version + 1) that passes the playbook schema, with the numbers behind it. Pure.
 */
export function suggestPlaybookEdits(
  figures: PlaybookFigures,
  current: Playbook,
  thresholds: SuggestionThresholds = DEFAULT_SUGGESTION_THRESHOLDS,
  /** Log queries responders ran by hand (core/playbooks/hand-run-queries.ts) in incidents the current version ran on. */
  handQueries: HandRunLogQuery[] = [],
): PlaybookEditSuggestion[] {
  const version = figures.versions.find((v) => v.version === current.version)
  if (!version || version.runs === 0) return []
  const proposals: Array<Omit<PlaybookEditSuggestion, 'playbookId' | 'baseVersion' | 'base'> | null> = []
  for (const step of version.steps) {
    const definition = current.steps.find((s) => s.id === step.stepId)
    if (!definition) continue
    if (definition.kind === 'query' || definition.kind === 'check') proposals.push(dropOrMove(current, version, step, thresholds))
    if (definition.kind === 'query') proposals.push(raiseThreshold(current, version, step, definition, thresholds))
    if (definition.kind === 'action') proposals.push(requireHuman(current, version, step, thresholds))
  }
  proposals.push(...addHandRunQueries(current, version, handQueries, thresholds))
  return proposals
    .filter((p) => p !== null)
    .filter((p) => playbookSchema.safeParse(p.edited).success)
    .map((p) => ({ playbookId: current.id, baseVersion: current.version, base: current, ...p }))
}

function runsLine(version: VersionFigures): string {
  const o = version.outcomes
  return (
    `v${version.version}: ${version.runs} runs on ${version.incidents} incidents; worked ${o.worked}, partly ${o.partly}, failed ${o.failed}, ` +
    `fixed otherwise ${o.other_fix}, not recorded ${o.not_recorded}`
  )
}

function nextVersion(pb: Playbook, steps: PlaybookStep[]): Playbook {
  return { ...pb, version: pb.version + 1, steps }
}

/** Whether anything in the playbook names the step: a branch tests or targets it, or a template reads its value. */
function isReferenced(pb: Playbook, id: string): boolean {
  const branches = pb.steps.some((s) => s.kind === 'branch' && (s.if.step === id || s.then === id || s.else === id))
  return branches || JSON.stringify(pb.steps).includes(`steps.${id}.`)
}

function dropOrMove(pb: Playbook, version: VersionFigures, step: StepFigures, t: SuggestionThresholds) {
  const working = version.outcomes.worked
  if (step.ran < t.minStepRuns || working < t.minWorkingRuns || step.decisive > 0 || isReferenced(pb, step.stepId)) return null
  const position = pb.steps.findIndex((s) => s.id === step.stepId)
  const lastAction = pb.steps.findLastIndex((s) => s.kind === 'action')
  const finding = step.kind === 'query' ? 'its assertion held' : 'it found the endpoint unhealthy'
  const evidence = [
    `ran ${step.ran} times in ${version.runs} runs of v${version.version}; failed ${step.failed}, skipped ${step.skipped}`,
    `decisive in 0 of the ${working} incidents the playbook fixed (${version.decidedRuns} had a decisive step)`,
    `${finding} ${step.findings} time${step.findings === 1 ? '' : 's'}`,
    ...(step.medianDurationSeconds === null ? [] : [`median time spent on it: ${Math.round(step.medianDurationSeconds)} s`]),
    runsLine(version),
  ]
  if (step.findings === 0) {
    return {
      kind: 'drop-step' as const,
      summary: `drop step ${step.stepId}: ran ${step.ran} times, found nothing and decided none`,
      evidence,
      edited: nextVersion(
        pb,
        pb.steps.filter((s) => s.id !== step.stepId),
      ),
    }
  }
  // It finds things but never the one acted on: keep it for the record, after the remediation rather than before it.
  if (lastAction === -1 || position > lastAction) return null
  const moved = pb.steps.filter((s) => s.id !== step.stepId)
  moved.push(pb.steps[position]!)
  return {
    kind: 'move-step' as const,
    summary: `move step ${step.stepId} to the end: ran ${step.ran} times, found something ${step.findings} times, decided none`,
    evidence,
    edited: nextVersion(pb, moved),
  }
}

/**
 * The assertion held on incidents the playbook did not fix (it fires on healthy days): a threshold between those values and
 * the ones of the runs that worked keeps every working run and stops most of the others.
 */
function raiseThreshold(pb: Playbook, version: VersionFigures, step: StepFigures, query: QueryStep, t: SuggestionThresholds) {
  const { onWorking, onOther } = step.heldValues
  if (onOther.length < t.minHealthyFires || onWorking.length < t.minWorkingRuns) return null
  const upward = query.assert.op === '>' || query.assert.op === '>='
  const edge = upward ? Math.min(...onWorking) : Math.max(...onWorking)
  const cleared = onOther.filter((v) => (upward ? v < edge : v > edge))
  if (cleared.length < Math.max(t.minHealthyFires, Math.ceil(onOther.length / 2))) return null
  const nearest = upward ? Math.max(...cleared) : Math.min(...cleared)
  const value = roundBetween(nearest, edge)
  if (value === null || (upward ? value <= query.assert.value : value >= query.assert.value)) return null
  const still = onOther.length - cleared.length
  const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`
  const edited = nextVersion(
    pb,
    pb.steps.map((s) => (s.id === query.id && s.kind === 'query' ? { ...s, assert: { ...s.assert, value } } : s)),
  )
  return {
    kind: 'raise-threshold' as const,
    summary:
      `${upward ? 'raise' : 'lower'} the threshold of ${query.id} from ${fmt(query.assert.value)} to ${fmt(value)}: ` +
      `it held on ${onOther.length} incidents the playbook did not fix`,
    evidence: [
      `${query.assert.stat} ${query.assert.op} ${fmt(query.assert.value)} held on ${onOther.length} incidents the playbook did not fix ` +
        `(values ${range(onOther)})`,
      `and on ${onWorking.length} incidents it fixed (values ${range(onWorking)})`,
      `at ${query.assert.op} ${fmt(value)} it would have held on ${onWorking.length} of ${onWorking.length} fixed and ${still} of ${onOther.length} not fixed`,
      runsLine(version),
    ],
    edited,
  }
}

/**
 * The same log query run by hand in several incidents of this version: a logs step that runs it before the first
 * approval, so the next responder finds its answer in the run instead of typing it again.
 */
function addHandRunQueries(pb: Playbook, version: VersionFigures, queries: HandRunLogQuery[], t: SuggestionThresholds) {
  const asked = new Set(pb.steps.flatMap((s) => (s.kind === 'query' && s.source === 'logs' && s.contains ? [s.contains.toLowerCase()] : [])))
  const byTerm = new Map<string, HandRunLogQuery[]>()
  for (const q of queries) {
    const key = q.contains.toLowerCase()
    if (!asked.has(key)) byTerm.set(key, [...(byTerm.get(key) ?? []), q])
  }
  const at = pb.steps.findIndex((s) => s.kind === 'approval' || s.kind === 'action')
  const proposals = []
  for (const group of byTerm.values()) {
    const incidents = new Set(group.map((q) => q.incidentId)).size
    if (incidents < t.minHandRunIncidents) continue
    const contains = group[0]!.contains
    const severities = group.flatMap((q) => (q.minSeverity ? [q.minSeverity] : []))
    const minSeverity = severities.length === group.length ? mostCommon(severities) : undefined
    const step: QueryStep = {
      id: uniqueStepId(pb, `hand-logs-${contains}`),
      title: `Logs containing "${contains}"`.slice(0, 150),
      description: 'Added from the log queries responders ran by hand in past incidents of this playbook.',
      kind: 'query',
      source: 'logs',
      contains,
      ...(minSeverity ? { minSeverity } : {}),
      window: '30m',
      assert: { stat: 'count', op: '>', value: 0, description: `log entries containing "${contains}"`.slice(0, 200) },
    }
    const steps = [...pb.steps]
    steps.splice(at === -1 ? steps.length : at, 0, step)
    proposals.push({
      kind: 'add-query' as const,
      summary: `add step ${step.id}: responders searched the logs for "${contains}" by hand in ${incidents} incidents`,
      evidence: [
        `a Logs Explorer query for "${contains}"${minSeverity ? ` at ${minSeverity} or above` : ''} was pinned to the timeline of ` +
          `${incidents} of the ${version.incidents} incidents v${version.version} ran on`,
        runsLine(version),
      ],
      edited: nextVersion(pb, steps),
    })
  }
  return proposals
}

function mostCommon<T>(xs: T[]): T | undefined {
  const counts = new Map<T, number>()
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
}

/** A step id from `text` (lowercase kebab-case, at most 63 characters) that no step of the playbook has yet. */
function uniqueStepId(pb: Playbook, text: string): string {
  const base = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '')
  let id = base
  for (let n = 2; pb.steps.some((s) => s.id === id); n++) id = `${base}-${n}`
  return id
}

/** A round number strictly between a and b (the fewest significant digits that fit), or null when they are equal. */
export function roundBetween(a: number, b: number): number | null {
  const lo = Math.min(a, b)
  const hi = Math.max(a, b)
  if (!(hi > lo)) return null
  const mid = (lo + hi) / 2
  for (let digits = 1; digits <= 12; digits++) {
    const rounded = Number(mid.toPrecision(digits))
    if (rounded > lo && rounded < hi) return rounded
  }
  return mid
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString()
}

/** An action that failed after its gate passed without a person: the gate stops auto-approving. */
function requireHuman(pb: Playbook, version: VersionFigures, step: StepFigures, t: SuggestionThresholds) {
  const { auto, human } = step.gate
  if (auto.ran < t.minAutoApprovedRuns || auto.failed < t.minAutoApprovedFailures) return null
  const gate = pb.steps.find((s) => s.kind === 'approval' && s.for === step.stepId)
  if (gate?.kind !== 'approval' || !gate.autoApprove) return null
  const { autoApprove: _dropped, ...withoutAuto } = gate
  return {
    kind: 'add-approval' as const,
    summary: `require a person to approve ${step.stepId}: it failed ${auto.failed} of ${auto.ran} times it was auto-approved`,
    evidence: [
      `auto-approved by policy ${auto.ran} times; the action or the fix failed ${auto.failed} of them`,
      `approved by people ${human.ran} times; failed ${human.failed} of them`,
      `action ran ${step.ran} times, failed ${step.failed}`,
      runsLine(version),
    ],
    edited: nextVersion(
      pb,
      pb.steps.map((s) => (s.id === gate.id ? withoutAuto : s)),
    ),
  }
}
