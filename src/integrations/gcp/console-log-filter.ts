import { logLabelField } from './logging-filter'
import type { MonitoredResource } from './monitored-resource'

/** A string of a Logs Explorer query; unlike the API's filters it never throws, since a link is only a convenience. */
export function quoteConsoleString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** The clauses that pick one monitored resource's entries: its type and each of its labels. */
function resourceLogClauses(resource: MonitoredResource): string[] {
  const clauses = [`resource.type=${quoteConsoleString(resource.type)}`]
  for (const [key, value] of Object.entries(resource.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    clauses.push(`${logLabelField(resource.type, key)}=${quoteConsoleString(value)}`)
  }
  return clauses
}

/**
 * The Logs Explorer query for the entries of several services. GKE containers are picked by
 * container name, as one clause; other resources (Cloud Run, Compute Engine, …) by type and labels.
 * `resourceOf` gives null for a service it cannot place, which is then taken for a container of that name.
 */
export function consoleLogFilter(services: readonly string[], resourceOf: (service: string) => MonitoredResource | null): string {
  const containers: string[] = []
  const others: string[] = []
  for (const service of services) {
    const resource = resourceOf(service)
    if (!resource || resource.type === 'k8s_container') containers.push(resource?.labels.container_name ?? service)
    else others.push(resourceLogClauses(resource).join(' AND '))
  }
  const clauses = [...(containers.length ? [`resource.labels.container_name=(${containers.map(quoteConsoleString).join(' OR ')})`] : []), ...others]
  return clauses.length === 1 ? clauses[0]! : clauses.map((c) => `(${c})`).join(' OR ')
}
