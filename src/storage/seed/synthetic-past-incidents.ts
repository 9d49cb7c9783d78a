import type { ErrorSighting } from '../../core/analysis/logs/log-template-history'
import { summarizeIncidentErrors } from '../../core/analysis/logs/recurring-errors'
import { DAY_MS, MINUTE_MS } from '../../core/durations'
import type { ResolutionOutcome, Severity } from '../../core/incidents/types'
import type { ErrorGroupStats, LogEntry } from '../../core/telemetry/port'
import { SeededRandom } from '../../integrations/telemetry/synthetic'
import { errorGroupId } from '../../integrations/telemetry/synthetic/error-group-id'
import { FILLER_SCENARIOS, PINNED_INCIDENTS, type IncidentScenario, type PastIncidentError, type PinnedIncident } from './past-incident-scenarios'

/** A resolved incident of the synthetic fleet's history, shaped like a row of the incidents table. */
export interface SeedIncident {
  title: string
  summary: string
  service: string
  resourceType: string
  policyName: string
  severity: Severity
  startedAt: Date
  resolvedAt: Date
  rootCause: string
  resolution: string
  resolutionOutcome: ResolutionOutcome
  playbookId: string | null
  labels: Record<string, string>
  /** The errors its analysis stored (one per error template and Error Reporting group): "the same error as INC-12" comes from these. */
  errors: ErrorSighting[]
}

export interface PastIncidentOptions {
  seed: number
  /** How many incidents; the demo's pinned ones come first, so fewer than 14 drops some of them. */
  count?: number
  now: Date
}

/** How far back the history reaches. */
const HISTORY_DAYS = 180
/** Distinguishes this generator's random stream from the telemetry's for the same seed. */
const STREAM = 0x9a57
/** The errors' streams, one per incident: drawing error lines shifts nothing else in the history. */
const ERROR_STREAM = 0xe770

/**
 * About six months of resolved incidents across the fleet, oldest first. Always contains
 * the incidents the demo scenarios rely on (PINNED_INCIDENTS), then fills up with
 * varied incidents drawn from FILLER_SCENARIOS. The same options give the same list.
 */
export function generatePastIncidents(options: PastIncidentOptions): SeedIncident[] {
  const count = options.count ?? 60
  const nowMs = options.now.getTime()
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`)
  if (!Number.isFinite(nowMs)) throw new RangeError('now must be a valid date')
  const random = new SeededRandom(options.seed, STREAM)
  const errorRandom = (index: number) => new SeededRandom(options.seed, ERROR_STREAM, index)
  const incidents = PINNED_INCIDENTS.slice(0, count).map((pinned, i) => fromPinned(pinned, random, nowMs, errorRandom(i)))
  while (incidents.length < count) incidents.push(fromScenario(random.pick(FILLER_SCENARIOS), random, nowMs, errorRandom(incidents.length)))
  return incidents.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
}

function fromPinned(pinned: PinnedIncident, random: SeededRandom, nowMs: number, errorRandom: SeededRandom): SeedIncident {
  const startedAt = startOnDay(nowMs, pinned.daysAgo, random)
  const duration = pinned.durationMinutes * random.between(0.9, 1.1)
  const resolvedAt = new Date(startedAt.getTime() + Math.round(duration * 60) * 1000)
  return {
    title: pinned.title,
    summary: pinned.summary,
    service: pinned.service,
    resourceType: pinned.resourceType,
    policyName: pinned.policyName,
    severity: pinned.severity,
    startedAt,
    resolvedAt,
    rootCause: pinned.rootCause,
    resolution: pinned.resolution,
    resolutionOutcome: pinned.resolutionOutcome,
    playbookId: pinned.playbookId,
    labels: { ...pinned.labels },
    errors: storedErrors(pinned.errors ?? [], startedAt, resolvedAt, errorRandom),
  }
}

function fromScenario(scenario: IncidentScenario, random: SeededRandom, nowMs: number, errorRandom: SeededRandom): SeedIncident {
  const startedAt = startOnDay(nowMs, random.int(1, HISTORY_DAYS), random)
  const [shortest, longest] = scenario.durationMinutes
  // Log-uniform: most incidents are short, a few drag on.
  const duration = shortest * Math.exp(random.next() * Math.log(longest / shortest))
  const cause = random.pick(scenario.causes)
  const resolution = random.pick(cause.resolutions)
  const resolvedAt = new Date(startedAt.getTime() + Math.round(duration * 60) * 1000)
  return {
    title: render(random.pick(scenario.titles), random),
    summary: render(random.pick(cause.summaries), random),
    service: scenario.service,
    resourceType: scenario.resourceType,
    policyName: scenario.policyName,
    severity: random.pick(scenario.severities),
    startedAt,
    resolvedAt,
    rootCause: render(cause.rootCause, random),
    resolution: render(resolution.text, random),
    resolutionOutcome: resolution.outcome,
    playbookId: resolution.playbookId,
    labels: { ...scenario.labels },
    errors: storedErrors(cause.errors ?? [], startedAt, resolvedAt, errorRandom),
  }
}

/** What the incident's analysis would have stored of its errors: the log lines and groups, summarised as it summarises them. */
function storedErrors(errors: PastIncidentError[], startedAt: Date, resolvedAt: Date, random: SeededRandom): ErrorSighting[] {
  if (errors.length === 0) return []
  const start = startedAt.getTime()
  const span = resolvedAt.getTime() - start
  // The errors start shortly after the incident does and stop before it is resolved.
  const within = (share: number) => new Date(start + Math.round(share * span))
  const logs: LogEntry[] = []
  const groups: ErrorGroupStats[] = []
  for (const error of errors) {
    if ('logLine' in error) {
      for (let i = 0; i < error.count; i++)
        logs.push({ at: within(random.between(0.05, 0.9)), service: error.service, severity: 'ERROR', message: error.logLine(random) })
    } else {
      groups.push({
        groupId: errorGroupId(error.service, error.errorGroup.key),
        service: error.service,
        message: error.errorGroup.message,
        count: error.count,
        firstSeen: within(0.05),
        lastSeen: within(0.9),
      })
    }
  }
  return summarizeIncidentErrors(logs, groups)
}

/** A start `daysAgo` days before now, mostly in waking hours (when traffic, and trouble, peaks). */
function startOnDay(nowMs: number, daysAgo: number, random: SeededRandom): Date {
  const day = Math.floor((nowMs - daysAgo * DAY_MS) / DAY_MS) * DAY_MS
  const hour = random.chance(0.8) ? random.int(7, 22) : random.int(0, 23)
  const startMs = day + hour * 60 * MINUTE_MS + random.int(0, 59) * MINUTE_MS + random.int(0, 59) * 1000
  // Keep the most recent incidents strictly in the past.
  return new Date(Math.min(startMs, nowMs - DAY_MS / 2))
}

function render(text: string | ((r: SeededRandom) => string), random: SeededRandom): string {
  return typeof text === 'string' ? text : text(random)
}
