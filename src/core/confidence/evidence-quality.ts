import type { GatheredEvidence, TelemetrySource } from '../analysis/evidence/gathered-evidence'
import { formatDuration, MINUTE_MS } from '../durations'

/** Cloud Monitoring and Logging ingest within a few minutes: a lag up to this is normal. */
const NORMAL_LAG_MS = 5 * MINUTE_MS
/** Past the normal lag, a source's freshness halves every this long. */
const LAG_HALF_LIFE_MS = 15 * MINUTE_MS
/** Error log lines on a service before the logs are taken to point at it. */
const ERROR_LOG_LINES = 3
/** Events in an error group before it points at its service (or a group first seen in the window). */
const ERROR_GROUP_EVENTS = 10

export interface SourceFreshness {
  source: TelemetrySource
  newestAt: Date
  /** How far the newest data lags behind the moment it should reach (now, or the incident start for events). */
  lagMs: number
  value: number
}

export interface EvidenceFreshness {
  /** 1 when every source that answered is current, lower the more they lag; null when nothing carries a time. */
  value: number | null
  sources: SourceFreshness[]
  explanation: string
}

/**
 * How current the telemetry is. Metric series are continuous, so their newest point should be
 * minutes from now; logs, error groups and traces are events, so a quiet source is not stale,
 * but one whose newest event is older than the incident says nothing about it.
 */
export function assessEvidenceFreshness(gathered: GatheredEvidence | null, incident: { startedAt: Date }): EvidenceFreshness {
  if (!gathered) return { value: null, sources: [], explanation: 'no telemetry was examined' }
  const now = gathered.window.end.getTime()
  const newest = (dates: Array<Date | null | undefined>) => dates.reduce<Date | null>((n, d) => (d && (n === null || d > n) ? d : n), null)
  const candidates: Array<{ source: TelemetrySource; newestAt: Date | null; dueAt: number }> = [
    { source: 'metrics', newestAt: newest(gathered.metrics.map((m) => m.newestAt)), dueAt: now },
    { source: 'logs', newestAt: newest(gathered.logs.map((l) => l.at)), dueAt: Math.min(now, incident.startedAt.getTime()) },
    { source: 'errors', newestAt: newest(gathered.errors.map((e) => e.lastSeen)), dueAt: Math.min(now, incident.startedAt.getTime()) },
    { source: 'traces', newestAt: newest(gathered.traces.map((t) => t.startedAt)), dueAt: Math.min(now, incident.startedAt.getTime()) },
  ]
  const sources: SourceFreshness[] = []
  for (const c of candidates) {
    if (!c.newestAt) continue
    const lagMs = Math.max(0, c.dueAt - c.newestAt.getTime())
    const value = lagMs <= NORMAL_LAG_MS ? 1 : 0.5 ** ((lagMs - NORMAL_LAG_MS) / LAG_HALF_LIFE_MS)
    sources.push({ source: c.source, newestAt: c.newestAt, lagMs, value })
  }
  if (sources.length === 0) return { value: null, sources, explanation: 'no timestamped telemetry to judge how current it is' }
  const value = sources.reduce((s, f) => s + f.value, 0) / sources.length
  const lagging = sources.filter((s) => s.value < 1)
  const explanation = lagging.length
    ? `stale telemetry: ${lagging.map((s) => `${s.source} ${formatDuration(s.lagMs)} behind`).join(', ')}`
    : `${sources.map((s) => s.source).join(', ')} current (newest data within ${NORMAL_LAG_MS / MINUTE_MS} min)`
  return { value, sources, explanation }
}

export type ConsistencySignal = 'metrics' | 'logs' | 'errors' | 'traces' | 'service graph'

export interface SignalVerdict {
  signal: ConsistencySignal
  /** The services this signal implicates. */
  implicates: string[]
  verdict: 'agrees' | 'symptom' | 'contradicts'
}

export interface EvidenceConsistency {
  /** Share of the signals with an opinion that point where the explanation does; null when none has one. */
  value: number | null
  /** What the signals are compared with: the hypothesis' target, else the probable cause, else the most implicated service. */
  reference: string | null
  verdicts: SignalVerdict[]
  explanation: string
}

/**
 * Whether the telemetry sources point at the same place: anomalous metrics, error logs and error
 * groups, the service the slowest traces spend their time in, and the probable cause on the service
 * graph, each compared with the explanation's target. Symptoms propagate upstream, so a signal on the
 * alerting service alone does not contradict a cause in one of its dependencies.
 */
export function assessEvidenceConsistency(
  gathered: GatheredEvidence | null,
  context: { service: string | null; hypothesisTarget: string | null; probableCause: string | null },
): EvidenceConsistency {
  if (!gathered || !context.service) return { value: null, reference: null, verdicts: [], explanation: 'no telemetry to compare' }
  // The service graph is a signal of its own only when something else sets the reference.
  const implicated = implicatedServices(gathered, context.hypothesisTarget ? context.probableCause : null)
  const reference = context.hypothesisTarget ?? context.probableCause ?? mostImplicated(implicated)
  if (!reference) return { value: null, reference: null, verdicts: [], explanation: 'no source points at any service' }
  const verdicts: SignalVerdict[] = implicated.map(({ signal, implicates }) => ({
    signal,
    implicates,
    verdict: implicates.includes(reference)
      ? 'agrees'
      : reference !== context.service && implicates.every((s) => s === context.service)
        ? 'symptom'
        : 'contradicts',
  }))
  const opinions = verdicts.filter((v) => v.verdict !== 'symptom')
  if (opinions.length === 0) {
    return {
      value: null,
      reference,
      verdicts,
      explanation: verdicts.length ? `only symptoms on ${context.service}; nothing points elsewhere than ${reference}` : 'no source points at any service',
    }
  }
  const agreeing = opinions.filter((v) => v.verdict === 'agrees')
  const contradicting = opinions.filter((v) => v.verdict === 'contradicts')
  const value = agreeing.length / opinions.length
  const explanation = contradicting.length
    ? `sources disagree: ${agreeing.length ? `${agreeing.map((v) => v.signal).join(', ')} point at ${reference}, ` : `nothing points at ${reference}; `}` +
      contradicting.map((v) => `${v.signal} at ${v.implicates.join(', ')}`).join('; ')
    : `${agreeing.map((v) => v.signal).join(', ')} all point at ${reference}`
  return { value, reference, verdicts, explanation }
}

/** The services each signal implicates; signals that implicate nothing are left out. */
function implicatedServices(gathered: GatheredEvidence, probableCause: string | null): Array<{ signal: ConsistencySignal; implicates: string[] }> {
  const out: Array<{ signal: ConsistencySignal; implicates: string[] }> = []
  const add = (signal: ConsistencySignal, services: Iterable<string>) => {
    const unique = [...new Set(services)]
    if (unique.length) out.push({ signal, implicates: unique })
  }
  add(
    'metrics',
    gathered.metrics.filter((m) => m.anomalous).map((m) => m.service),
  )
  const errorLines = new Map<string, number>()
  for (const l of gathered.logs) if (l.severity === 'ERROR' || l.severity === 'CRITICAL') errorLines.set(l.service, (errorLines.get(l.service) ?? 0) + 1)
  add(
    'logs',
    [...errorLines].filter(([, n]) => n >= ERROR_LOG_LINES).map(([s]) => s),
  )
  add(
    'errors',
    gathered.errors.filter((e) => e.count >= ERROR_GROUP_EVENTS || e.firstSeen >= gathered.window.start).map((e) => e.service),
  )
  const slowest = new Map<string, number>()
  for (const t of gathered.traces) {
    const span = t.spans[0]
    if (span) slowest.set(span.service, (slowest.get(span.service) ?? 0) + 1)
  }
  // A service most of the slow traces spend their time in.
  add(
    'traces',
    [...slowest].filter(([, n]) => n * 2 >= gathered.traces.length).map(([s]) => s),
  )
  if (probableCause) add('service graph', [probableCause])
  return out
}

function mostImplicated(implicated: Array<{ implicates: string[] }>): string | null {
  const votes = new Map<string, number>()
  for (const i of implicated) for (const s of i.implicates) votes.set(s, (votes.get(s) ?? 0) + 1)
  return [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null
}
