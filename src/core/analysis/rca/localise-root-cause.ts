import { HOUR_MS } from '../../durations'
import { errorMessage } from '../../errors'
import type { ReasoningStep } from '../../reasoning/reasoning-step'
import type { TelemetryPort } from '../../telemetry/port'
import type { EvidenceItem } from '../evidence'
import type { GatheredEvidence } from '../evidence/gathered-evidence'
import { rankRootCauses } from './rank-root-causes'
import { gatherRcaInput, type GraphEdgeSources } from './telemetry-input'

/** The component the service graph points at, with its confidence and the path that leads to it. */
export interface ProbableCause {
  node: string
  confidence: number
  path: string[]
}

/** What of the incident decides the signal followed and the window looked at. */
export interface AlertToLocalise {
  title: string
  policyName: string | null
  startedAt: Date
}

/**
 * Walks the service graph from the alerting service through dependencies that deviate
 * the same way, and records which component most likely started it. The alert's
 * signal is latency unless errors moved more. A failure here costs this step, not the analysis.
 */
export async function localiseRootCause(
  telemetry: TelemetryPort,
  incident: AlertToLocalise,
  service: string,
  gathered: GatheredEvidence,
  now: Date,
): Promise<{ step: ReasoningStep; cause: ProbableCause | null }> {
  const own = (metric: string) => gathered.metrics.find((m) => m.service === service && m.metric === metric)
  const latency = own('latency_p95_ms')
  const errors = own('error_rate')
  // The alert's own words decide the signal ("p95 latency > 2 s", "5xx above 5%"); otherwise the one that moved more.
  const text = `${incident.title} ${incident.policyName ?? ''}`.toLowerCase()
  const saysLatency = /latenc|slow|p9\d|duration|timeout|response time/.test(text)
  const saysErrors = /error|5xx|fail|availability|exception/.test(text)
  const metric =
    saysLatency !== saysErrors
      ? saysLatency
        ? 'latency_p95_ms'
        : 'error_rate'
      : errors?.anomalous && (!latency?.anomalous || errors.ratio > latency.ratio)
        ? 'error_rate'
        : 'latency_p95_ms'
  const at = incident.startedAt
  try {
    const { input, skipped, edges } = await gatherRcaInput(
      telemetry,
      { service, metric, at },
      {
        beforeMinutes: 60,
        afterMinutes: 30,
        stepSeconds: 60,
        now,
        // A few hours of normal operation give each series its own noise level.
        history: { start: new Date(at.getTime() - 4 * HOUR_MS), end: new Date(at.getTime() - HOUR_MS) },
      },
    )
    const report = rankRootCauses(input)
    const top = report.ranked[0]
    const evidence: EvidenceItem[] = report.ranked.slice(0, 3).map((c) => ({
      source: 'metrics',
      title: `Probable cause #${c.rank}: ${c.node}`,
      detail: (
        `${c.deviation.signal} ${c.deviation.baseline.toPrecision(3)} → ${c.deviation.observed.toPrecision(3)} ` +
        `(${c.deviation.score.toFixed(1)} noise units) along ${c.path.map((p) => p.node).join(' → ')}; ${c.notes.join('; ')}`
      ).slice(0, 1500),
      link: null,
      anomalous: true,
      data: { node: c.node, share: c.share, explainsAlert: c.explainsAlert, path: c.path.map((p) => p.node) },
    }))
    const decision =
      report.status !== 'ranked' || !top
        ? report.status === 'alert_not_anomalous'
          ? `${service} ${metric} does not deviate from its recent baseline: nothing to localise`
          : `no ${metric} data for ${service} around the alert`
        : `${top.node} (confidence ${Math.round(report.confidence * 100)}%): ${top.notes[0] ?? 'deviates first along the dependency path'}`
    const notExported = skipped.length ? `; not exported: ${skipped.slice(0, 5).join(', ')}` : ''
    return {
      step: {
        position: 4,
        question: 'Which component is the probable cause?',
        query:
          `${telemetry.name}: ${metric} and saturation of ${service} and its dependencies, ` +
          `60 min before to 30 min after ${at.toISOString()}, against the 3 hours before${notExported}${describeEdgeSources(edges)}`,
        decision,
        discarded: report.ranked.slice(1, 4).map((c) => ({
          hypothesis: `${c.node} as the cause`,
          reason: `weighs ${Math.round(c.share * 100)}% against ${Math.round((top?.share ?? 0) * 100)}%: ${c.notes[0] ?? ''}`,
        })),
        evidence,
      },
      cause: top && report.status === 'ranked' ? { node: top.node, confidence: report.confidence, path: top.path.map((p) => p.node) } : null,
    }
  } catch (err) {
    return {
      step: {
        position: 4,
        question: 'Which component is the probable cause?',
        query: `${metric} of ${service} and its dependencies`,
        decision: `not localised: ${errorMessage(err)}`,
        discarded: [],
        evidence: [],
      },
      cause: null,
    }
  }
}

const LISTED_EDGES = 8

/** The trail says which edges of the walked graph traces showed and which only the declared topology has. */
function describeEdgeSources(edges: GraphEdgeSources | null): string {
  if (!edges) return ''
  const list = (names: string[]) =>
    names.length > LISTED_EDGES ? `${names.slice(0, LISTED_EDGES).join(', ')} and ${names.length - LISTED_EDGES} more` : names.join(', ')
  const observed = edges.observed.length ? `; edges observed in traces: ${list(edges.observed)}` : '; no edge observed in traces'
  return observed + (edges.declaredOnly.length ? `; only declared, weighted lower: ${list(edges.declaredOnly)}` : '')
}
