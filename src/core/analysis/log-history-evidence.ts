import { withDeadline } from '../deadline'
import { DAY_MS } from '../durations'
import { errorMessage } from '../errors'
import type { EvidenceItem } from './evidence'
import type { GatheredEvidence } from './evidence/gathered-evidence'
import { compareLogPatterns, matchedStoredTemplateIds, mineLogSamples, type LogBaseline, type LogPatternShift } from './logs/log-pattern-shifts'
import type { BucketCount, LogTemplateHistory, LogTemplateHistorySnapshot } from './logs/log-template-history'
import { findErrorsSeenBefore, summarizeIncidentErrors, type ErrorSeenBefore } from './logs/recurring-errors'

export interface LogHistoryOptions {
  /** How far back stored template counts make the baseline (default 7 days). */
  baselineDays?: number
  /** Deadline of each storage call (default 5 s). */
  deadlineMs?: number
}

/**
 * Log evidence that needs more than this analysis' fetches: the service's warning templates
 * against the statistics stored by earlier analyses (new since the deploy, N× the baseline; the
 * hour before when nothing is stored), and the incident's errors that earlier incidents had too.
 * Stores this analysis' templates and errors for the next ones. A storage failure costs this
 * evidence (the trail says so), never the analysis.
 */
export async function gatherLogHistoryEvidence(
  history: LogTemplateHistory | null,
  input: { incident: { id: string; startedAt: Date }; service: string; gathered: GatheredEvidence },
  options: LogHistoryOptions = {},
): Promise<EvidenceItem[]> {
  const { incident, service, gathered } = input
  const deadlineMs = options.deadlineMs ?? 5_000
  const items: EvidenceItem[] = []
  const failures: string[] = []
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await withDeadline(Promise.resolve().then(work), deadlineMs, `log history (${what})`)
    } catch (err) {
      failures.push(`${what}: ${errorMessage(err)}`)
      return null
    }
  }

  const own = gathered.ownWarnings
  let readTemplates = false
  if (own) {
    const range = { start: new Date(own.now.start.getTime() - (options.baselineDays ?? 7) * DAY_MS), end: own.now.start }
    const mined = mineLogSamples(own.before, own.now)
    const snapshot = history
      ? await attempt('reading template statistics', () => readMatchedLogHistory(history, service, range, (stored) => matchedStoredTemplateIds(mined, stored)))
      : null
    readTemplates = snapshot !== null
    const analysis = compareLogPatterns(mined, snapshot, gathered.deploys)
    for (const shift of analysis.shifts.slice(0, 3)) items.push(shiftItem(service, shift, analysis.baseline!))
    // Without the stored templates a match by pattern is impossible: storing blind would split templates.
    if (history && snapshot)
      await attempt('storing template statistics', () => history.recordLogTemplates(service, analysis.observations, analysis.observedBuckets))
  }

  if (history) {
    const current = { incidentId: incident.id, startedAt: incident.startedAt, logs: gathered.logs, errorGroups: gathered.errors }
    const past = await attempt("reading earlier incidents' errors", () =>
      history.listEarlierIncidentErrors({ before: incident.startedAt, excludeIncidentId: incident.id, services: gathered.services }),
    )
    if (past) items.push(...groupByIncidents(findErrorsSeenBefore(current, past)).slice(0, 3).map(recurringErrorItem))
    const sightings = summarizeIncidentErrors(gathered.logs, gathered.errors)
    // A re-run whose error sources did not answer keeps what the first run stored.
    if (sightings.length > 0) await attempt("storing this incident's errors", () => history.replaceIncidentErrors(incident.id, sightings))
  }

  if (failures.length > 0) {
    const title =
      own && history && !readTemplates
        ? 'Log history not available: log patterns compared with the hour before only'
        : 'Log history: not all of it could be read or stored'
    items.push({ source: 'logs', title, detail: failures.join('\n'), link: null, anomalous: false, data: { failures } })
  }
  return items
}

/** The service's stored templates, with the counts of those `matched` picks (reading every template's counts would cost far more). */
export async function readMatchedLogHistory(
  history: Pick<LogTemplateHistory, 'listLogTemplates' | 'listLogTemplateCounts'>,
  service: string,
  range: { start: Date; end: Date },
  matched: (stored: LogTemplateHistorySnapshot['templates']) => number[],
): Promise<LogTemplateHistorySnapshot> {
  const snapshot = await history.listLogTemplates(service, range)
  const ids = matched(snapshot.templates)
  const counts = ids.length > 0 ? await history.listLogTemplateCounts(ids, range) : new Map<number, BucketCount[]>()
  return { ...snapshot, templates: snapshot.templates.map((t) => ({ ...t, buckets: counts.get(t.id) ?? [] })) }
}

function shiftItem(service: string, shift: LogPatternShift, baseline: LogBaseline): EvidenceItem {
  const hhmm = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`
  const title =
    shift.kind === 'new'
      ? shift.deployAt
        ? `New log pattern on ${service} since the deploy at ${hhmm(shift.deployAt)}`
        : shift.firstSeenIsBound
          ? `New log pattern on ${service}, already firing at ${hhmm(shift.firstSeenAt)} (the earliest of the lines fetched)`
          : `New log pattern on ${service} since ${hhmm(shift.firstSeenAt)}`
      : `Log pattern on ${service} at ${shift.factorIsFloor ? '≥' : ''}${shift.factor!.toFixed(0)}× its baseline`
  const compared = shift.kind === 'new' ? `not seen in ${baseline.description}` : `${shift.countBefore} in ${baseline.description}`
  return {
    source: 'logs',
    title,
    detail: `${shift.countNow}× ${shift.template.slice(0, 300)}; ${compared}; e.g. ${shift.example.slice(0, 200)}`,
    link: null,
    anomalous: true,
    data: {
      template: shift.template,
      kind: shift.kind,
      countBefore: shift.countBefore,
      countNow: shift.countNow,
      factor: shift.factor,
      firstSeenAt: shift.firstSeenAt.toISOString(),
      firstSeenIsBound: shift.firstSeenIsBound,
      deployAt: shift.deployAt?.toISOString() ?? null,
      baseline: { ...baseline },
    },
  }
}

/** A log line and the Error Reporting group of one failure recur with the same incidents: one item, not two. */
function groupByIncidents(seen: ErrorSeenBefore[]): ErrorSeenBefore[][] {
  const groups = new Map<string, ErrorSeenBefore[]>()
  for (const s of seen) {
    const key = s.earlier
      .map((e) => e.incidentId)
      .sort()
      .join(',')
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  return [...groups.values()]
}

function recurringErrorItem(group: ErrorSeenBefore[]): EvidenceItem {
  const seen = group[0]!
  const labels = seen.earlier.map((e) => `INC-${e.number}`)
  const named = labels.length <= 3 ? joinWithAnd(labels) : `${labels.slice(0, 2).join(', ')} and ${labels.length - 2} more`
  const fixed = seen.earlier.find((e) => e.resolution)
  const others = group.length > 1 ? ` and ${group.length - 1} more error${group.length > 2 ? 's' : ''} seen with it` : ''
  return {
    source: 'errors',
    title: `Same error as ${named}: ${seen.template.slice(0, 200)}${others}${fixed ? ` (resolved by ${clipAtWord(fixed.resolution!, 120)})` : ''}`,
    detail: [
      ...group.map((g) => `${g.countNow}× around this incident on ${g.services.join(', ')}: ${g.template.slice(0, 200)}`),
      ...seen.earlier
        .slice(0, 3)
        .map(
          (e) =>
            `INC-${e.number} ${e.title} (${e.startedAt.toISOString().slice(0, 10)}): ${e.count}×; ` +
            `resolved by: ${e.resolution ?? 'not recorded'} (${e.resolutionOutcome ?? 'unknown'})`,
        ),
    ].join('\n'),
    link: null,
    anomalous: true,
    data: {
      template: seen.template,
      templates: group.map((g) => g.template),
      errorGroupIds: [...new Set(group.flatMap((g) => g.errorGroupIds))],
      incidents: seen.earlier.map((e) => ({
        incidentId: e.incidentId,
        number: e.number,
        count: e.count,
        resolution: e.resolution,
        outcome: e.resolutionOutcome,
      })),
    },
  }
}

/** A resolution cut mid-word reads as a different fix ("raised min nodes to"): cut at a word and say so. */
function clipAtWord(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const lastSpace = cut.lastIndexOf(' ')
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:(]+$/, '')}…`
}

function joinWithAnd(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}
