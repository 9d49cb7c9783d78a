import type { LogSample } from '../logs/log-pattern-shifts'
import type { AlertPolicySummary, ErrorGroupStats, LogEntry, TraceSummary } from '../../telemetry/port'
import type { EvidenceItem } from '../evidence'
import type { MetricFinding } from './assess-metric'

export type TelemetrySource = 'metrics' | 'logs' | 'errors' | 'traces'

/** A source that answered for some services and not others. */
export interface PartialSource {
  source: TelemetrySource
  /** Services whose every query answered, of those asked. */
  servicesAnswered: number
  servicesAsked: number
  failed: Array<{ service: string; what: string; reason: string }>
  /** One line for the trail: "logs: 2 of 3 services answered; inventory: RESOURCE_EXHAUSTED". */
  note: string
}

export interface GatheredEvidence {
  items: EvidenceItem[]
  metrics: MetricFinding[]
  logs: LogEntry[]
  errors: ErrorGroupStats[]
  traces: TraceSummary[]
  /** Services whose telemetry was examined: the incident's service, then its dependencies. */
  services: string[]
  /** Why the service's dependencies are unknown when the lookup failed (only the service is then examined); null when it answered. */
  dependencyLookupFailure: string | null
  sourcesAnswered: TelemetrySource[]
  /** Sources of which nothing answered. */
  sourcesMissing: Array<{ source: TelemetrySource; reason: string }>
  /** Sources that answered, but not for every service. */
  sourcesPartial: PartialSource[]
  /** The policy that fired, when the provider can look it up and the incident names one. */
  alertPolicy: AlertPolicySummary | null
  window: { start: Date; end: Date }
  /** The service's own warnings in the window and the hour before (null where not answered), for the log pattern comparison. */
  ownWarnings: { now: LogSample; before: LogSample | null } | null
  /** When the service's deploy log lines say it was deployed. */
  deploys: Date[]
}
