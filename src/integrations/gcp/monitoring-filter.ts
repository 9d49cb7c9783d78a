import { filterLabelKey, quoteFilterString } from './filter-syntax'

export interface MonitoringSelector {
  metricType: string
  resourceType: string
  resourceLabels: Record<string, string>
  metricLabels: Record<string, string>
}

/** The listTimeSeries filter that selects one metric of one service's resource, every value quoted. */
export function buildMonitoringFilter(s: MonitoringSelector): string {
  const clauses = [`metric.type = ${quoteFilterString(s.metricType, 'metric type')}`, `resource.type = ${quoteFilterString(s.resourceType, 'resource type')}`]
  for (const [key, value] of sortedEntries(s.resourceLabels))
    clauses.push(`resource.labels.${filterLabelKey(key, 'resource label')} = ${quoteFilterString(value, `resource label ${key}`)}`)
  for (const [key, value] of sortedEntries(s.metricLabels))
    clauses.push(`metric.labels.${filterLabelKey(key, 'metric label')} = ${quoteFilterString(value, `metric label ${key}`)}`)
  return clauses.join(' AND ')
}

function sortedEntries(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}
