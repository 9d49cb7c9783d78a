import type { LogSeverity } from '../../core/telemetry/port'
import { filterLabelKey, quoteFilterString } from './filter-syntax'

export interface LogSelector {
  resourceType: string
  resourceLabels: Record<string, string>
  startIso: string
  endIso: string
  minSeverity?: LogSeverity
  contains?: string
}

/** Logging keeps a Compute Engine instance's name as a log label, not as a resource label. */
const GCE_INSTANCE_NAME_FIELD = 'labels."compute.googleapis.com/resource_name"'

/** The field of a log entry that carries the resource label `key`. */
export function logLabelField(resourceType: string, key: string): string {
  return resourceType === 'gce_instance' && key === 'instance_name' ? GCE_INSTANCE_NAME_FIELD : `resource.labels.${key}`
}

/**
 * The Logging query for one service's entries in a window. `contains` uses the `:` (has)
 * operator, which matches case-insensitively, on the two places messages live.
 */
export function buildLogFilter(s: LogSelector): string {
  const clauses = [`resource.type=${quoteFilterString(s.resourceType, 'resource type')}`]
  for (const [key, value] of Object.entries(s.resourceLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    clauses.push(`${logLabelField(s.resourceType, filterLabelKey(key, 'resource label'))}=${quoteFilterString(value, `resource label ${key}`)}`)
  }
  clauses.push(`timestamp>=${quoteFilterString(s.startIso, 'start')}`, `timestamp<=${quoteFilterString(s.endIso, 'end')}`)
  if (s.minSeverity) clauses.push(`severity>=${s.minSeverity}`)
  if (s.contains !== undefined && s.contains !== '') {
    const needle = quoteFilterString(s.contains, 'search text')
    clauses.push(`(textPayload:${needle} OR jsonPayload.message:${needle})`)
  }
  return clauses.join(' AND ')
}
