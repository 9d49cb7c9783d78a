import type { ErrorGroupStats, LogEntry } from '../../telemetry/port'
import { LogTemplateMiner, type LogTemplateMinerOptions } from './log-template-miner'

/** The errors seen around one incident. */
export interface IncidentErrors {
  incidentId: string
  /** Log entries around the incident; only ERROR and CRITICAL ones are considered. */
  logs: LogEntry[]
  /** Error Reporting groups around the incident. */
  errorGroups: ErrorGroupStats[]
}

export interface RecurringError {
  /** The shape the errors share, e.g. `payment <*> declined: card expired`. */
  template: string
  /** Incidents it appeared in, most occurrences first. */
  incidents: Array<{ incidentId: string; count: number }>
  /** Error Reporting groups whose message has this template (several groups can share one). */
  errorGroupIds: string[]
  services: string[]
  /** Error log lines plus Error Reporting occurrences, over all incidents. */
  occurrences: number
  /** One message as it was written. */
  example: string
}

export interface RecurringErrorOptions {
  /** Incidents a template must appear in to count as recurring (default 2). */
  minIncidents?: number
  miner?: Partial<LogTemplateMinerOptions>
}

interface Sighting {
  incidentId: string
  templateId: number
  service: string
  count: number
  message: string
  errorGroupId: string | null
}

/**
 * Groups error-level log lines and Error Reporting groups across incidents by message
 * template, so "the same error as in INC-12 and INC-31" is found even when ids, numbers
 * and hosts differ, and two Error Reporting groups with one message shape count as one.
 * An Error Reporting group is templated by its message's first line (the exception line).
 */
export function findRecurringErrors(incidents: IncidentErrors[], options: RecurringErrorOptions = {}): RecurringError[] {
  const minIncidents = options.minIncidents ?? 2
  const miner = new LogTemplateMiner(options.miner)
  const sightings: Sighting[] = []
  for (const incident of incidents) {
    for (const entry of incident.logs) {
      if (entry.severity !== 'ERROR' && entry.severity !== 'CRITICAL') continue
      const { templateId } = miner.add(entry.message, entry.at)
      sightings.push({ incidentId: incident.incidentId, templateId, service: entry.service, count: 1, message: entry.message, errorGroupId: null })
    }
    for (const group of incident.errorGroups) {
      const message = firstLine(group.message)
      const { templateId } = miner.add(message, group.lastSeen)
      sightings.push({ incidentId: incident.incidentId, templateId, service: group.service, count: Math.max(1, group.count), message, errorGroupId: group.groupId })
    }
  }

  const byTemplate = new Map<number, Sighting[]>()
  for (const s of sightings) {
    const id = miner.resolve(s.templateId)
    const list = byTemplate.get(id)
    if (list) list.push(s)
    else byTemplate.set(id, [s])
  }

  const recurring: RecurringError[] = []
  for (const [templateId, list] of byTemplate) {
    const perIncident = new Map<string, number>()
    for (const s of list) perIncident.set(s.incidentId, (perIncident.get(s.incidentId) ?? 0) + s.count)
    if (perIncident.size < minIncidents) continue
    recurring.push({
      template: miner.template(templateId) ?? list[0]!.message,
      incidents: [...perIncident].map(([incidentId, count]) => ({ incidentId, count })).sort((a, b) => b.count - a.count || a.incidentId.localeCompare(b.incidentId)),
      errorGroupIds: unique(list.flatMap((s) => (s.errorGroupId ? [s.errorGroupId] : []))),
      services: unique(list.map((s) => s.service)),
      occurrences: list.reduce((sum, s) => sum + s.count, 0),
      example: list[0]!.message,
    })
  }
  return recurring.sort((a, b) => b.incidents.length - a.incidents.length || b.occurrences - a.occurrences || a.template.localeCompare(b.template))
}

function firstLine(text: string): string {
  const end = text.search(/\r?\n/)
  return end < 0 ? text : text.slice(0, end)
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort()
}
