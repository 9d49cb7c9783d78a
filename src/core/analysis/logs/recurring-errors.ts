import type { ErrorGroupStats, LogEntry } from '../../telemetry/port'
import { storableText, type ErrorSighting, type PastIncidentErrors } from './log-template-history'
import { LogTemplateMiner, type LogTemplateMinerOptions } from './log-template-miner'
import { mineLogTemplates } from './mine-log-templates'

/** The errors seen around one incident. */
export interface IncidentErrors {
  incidentId: string
  /** Log entries around the incident; only ERROR and CRITICAL ones are considered. */
  logs: LogEntry[]
  /** Error Reporting groups around the incident. */
  errorGroups: ErrorGroupStats[]
  /** Errors already reduced to one example per template, as stored for a past incident. */
  sightings?: ErrorSighting[]
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
      sightings.push({
        incidentId: incident.incidentId,
        templateId,
        service: group.service,
        count: Math.max(1, group.count),
        message,
        errorGroupId: group.groupId,
      })
    }
    for (const stored of incident.sightings ?? []) {
      const { templateId } = miner.add(stored.example, stored.seenAt)
      sightings.push({
        incidentId: incident.incidentId,
        templateId,
        service: stored.service,
        count: Math.max(1, stored.occurrences),
        message: stored.example,
        errorGroupId: stored.errorGroupId,
      })
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
      incidents: [...perIncident]
        .map(([incidentId, count]) => ({ incidentId, count }))
        .sort((a, b) => b.count - a.count || a.incidentId.localeCompare(b.incidentId)),
      errorGroupIds: unique(list.flatMap((s) => (s.errorGroupId ? [s.errorGroupId] : []))),
      services: unique(list.map((s) => s.service)),
      occurrences: list.reduce((sum, s) => sum + s.count, 0),
      example: list[0]!.message,
    })
  }
  return recurring.sort((a, b) => b.incidents.length - a.incidents.length || b.occurrences - a.occurrences || a.template.localeCompare(b.template))
}

/** The current incident's errors; `startedAt` decides which past incidents count as earlier. */
export interface CurrentIncidentErrors extends IncidentErrors {
  startedAt: Date
}

export interface ErrorSeenBefore {
  template: string
  example: string
  errorGroupIds: string[]
  services: string[]
  /** Occurrences around the current incident. */
  countNow: number
  /** Earlier incidents with this error, most recent first. */
  earlier: Array<Omit<PastIncidentErrors, 'sightings'> & { count: number }>
}

/**
 * The current incident's errors (error-level templates and Error Reporting groups) that also
 * appeared around incidents that started before it ("the same error as INC-12 and INC-31").
 * Incidents that started at or after this one are ignored, whatever the caller passes.
 */
export function findErrorsSeenBefore(
  current: CurrentIncidentErrors,
  past: PastIncidentErrors[],
  options: Pick<RecurringErrorOptions, 'miner'> = {},
): ErrorSeenBefore[] {
  const earlier = past.filter((p) => p.incidentId !== current.incidentId && p.startedAt < current.startedAt)
  if (earlier.length === 0) return []
  const byId = new Map(earlier.map((p) => [p.incidentId, p]))
  const recurring = findRecurringErrors([current, ...earlier.map((p) => ({ incidentId: p.incidentId, logs: [], errorGroups: [], sightings: p.sightings }))], {
    minIncidents: 2,
    miner: options.miner,
  })
  const found: ErrorSeenBefore[] = []
  for (const r of recurring) {
    const mine = r.incidents.find((i) => i.incidentId === current.incidentId)
    if (!mine) continue
    const others = r.incidents.flatMap((i) => {
      const p = byId.get(i.incidentId)
      if (!p) return []
      const { sightings: _sightings, ...incident } = p
      return [{ ...incident, count: i.count }]
    })
    found.push({
      template: r.template,
      example: r.example,
      errorGroupIds: r.errorGroupIds,
      services: r.services,
      countNow: mine.count,
      earlier: others.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()),
    })
  }
  return found.sort((a, b) => b.earlier.length - a.earlier.length || b.countNow - a.countNow)
}

/**
 * The errors around one incident as stored for later ones: one sighting per error-level
 * template per service, one per Error Reporting group, at most `limit`, most frequent first.
 * Examples are cut to their first line and 2 KB, with control characters blanked.
 */
export function summarizeIncidentErrors(logs: LogEntry[], errorGroups: ErrorGroupStats[], limit = 50): ErrorSighting[] {
  const sightings: ErrorSighting[] = []
  const errors = logs.filter((l) => l.severity === 'ERROR' || l.severity === 'CRITICAL')
  const byService = new Map<string, LogEntry[]>()
  for (const e of errors) byService.set(e.service, [...(byService.get(e.service) ?? []), e])
  for (const [service, entries] of byService) {
    const mined = mineLogTemplates(entries.map((e) => e.message))
    const perTemplate = new Map<number, ErrorSighting>()
    mined.assignments.forEach(({ templateId, template }, i) => {
      const entry = entries[i]!
      const s = perTemplate.get(templateId)
      if (s) {
        s.occurrences++
        if (entry.at < s.seenAt) s.seenAt = entry.at
      } else
        perTemplate.set(templateId, {
          service,
          template: storableText(template),
          example: storableText(firstLine(entry.message)),
          errorGroupId: null,
          occurrences: 1,
          seenAt: entry.at,
        })
    })
    sightings.push(...perTemplate.values())
  }
  for (const group of errorGroups) {
    const example = storableText(firstLine(group.message))
    sightings.push({
      service: group.service,
      template: example,
      example,
      errorGroupId: group.groupId,
      occurrences: Math.max(1, group.count),
      seenAt: group.firstSeen,
    })
  }
  return sightings
    .filter((s) => s.example.trim() !== '')
    .sort((a, b) => b.occurrences - a.occurrences)
    .slice(0, limit)
}

function firstLine(text: string): string {
  const end = text.search(/\r?\n/)
  return end < 0 ? text : text.slice(0, end)
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort()
}
