import { createHash } from 'node:crypto'
import { parseTimestampText } from '../../timestamp-text'
import { truncateText } from '../../truncate-text'
import type { ResolutionOutcome, Severity } from '../types'

/** What an import reads of a past incident; any field may come from any column (`--map field=column`). */
export const HISTORY_FIELDS = [
  'external_id',
  'title',
  'service',
  'severity',
  'started',
  'resolved',
  'summary',
  'root_cause',
  'contributing_factors',
  'resolution',
  'outcome',
  'postmortem',
  'link',
] as const
export type HistoryField = (typeof HISTORY_FIELDS)[number]

/** One row as found in the file: each field's text, and the column it was read from (named in problems). */
export type HistoryRecord = Partial<Record<HistoryField, { value: string; column: string }>>

/** A past incident ready to be stored: resolved, with what the team wrote about it. */
export interface ImportedIncident {
  /** Its id in the system it came from; derived from title, service and start when the file has none. */
  externalId: string
  title: string
  service: string | null
  severity: Severity
  startedAt: Date
  resolvedAt: Date | null
  summary: string
  rootCause: string | null
  contributingFactors: string | null
  resolution: string | null
  outcome: ResolutionOutcome
  postmortem: string | null
  link: string | null
}

/** Where a row is: the file (for a folder of postmortems) and the line it starts on. */
export interface RowPlace {
  file?: string
  line: number
}

/** A row left out, and why, in words a person can fix the file from. */
export interface RowProblem extends RowPlace {
  reason: string
}

export type ReadRow = { incident: ImportedIncident; place: RowPlace } | { problem: RowProblem }

const MAX = { title: 500, service: 200, externalId: 200, summary: 10_000, text: 20_000, postmortem: 200_000, link: 2_048 } as const

// Priority names of Jira, PagerDuty, Opsgenie, and the usual SEV/P scales; compared without case, spaces or punctuation.
const SEVERITY_WORDS: Record<string, Severity> = {}
for (const [severity, words] of Object.entries({
  critical: 'critical crit blocker emergency fatal sev0 sev1 s0 s1 p0 p1 1 highest',
  high: 'high major error sev2 s2 p2 2',
  warning: 'warning warn medium moderate normal minor sev3 s3 p3 3',
  info: 'info informational low lowest trivial notice sev4 sev5 s4 s5 p4 p5 4 5',
}) as Array<[Severity, string]>) {
  for (const w of words.split(' ')) SEVERITY_WORDS[w] = severity
}

// How the fix worked out, in the words exports use (Jira's Resolution column among them); anything else is 'unknown'.
const OUTCOME_WORDS: Record<string, ResolutionOutcome> = {}
for (const [outcome, words] of Object.entries({
  worked: 'worked fixed done resolved success successful complete completed',
  partly: 'partly partial partiallyfixed mitigated workaround',
  failed: 'failed failure notfixed unresolved',
}) as Array<[ResolutionOutcome, string]>) {
  for (const w of words.split(' ')) OUTCOME_WORDS[w] = outcome
}

const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '')

/** Text as it can be stored: NUL removed (Postgres text refuses it), trimmed. */
function clean(text: string | undefined): string {
  return (text ?? '').replaceAll('\u0000', '').trim()
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ')
const orNull = (text: string) => (text === '' ? null : text)

/**
 * Turns one row of a history file into an incident to store, or says why it cannot be: no title,
 * no readable start, a resolution before the start, a severity no scale names, a link that is not http(s).
 * Missing optional fields stay empty; the severity defaults to warning and the outcome to unknown.
 */
export function toImportedIncident(record: HistoryRecord, place: RowPlace): ReadRow {
  const problem = (reason: string): ReadRow => ({ problem: { ...place, reason } })
  const text = (field: HistoryField) => clean(record[field]?.value)
  const column = (field: HistoryField) => record[field]?.column ?? field

  const title = truncateText(oneLine(text('title')), MAX.title)
  if (!title) return problem(record.title ? `the title ("${column('title')}") is empty` : 'no title column')

  const startedText = text('started')
  if (!startedText) return problem(record.started ? `the start time ("${column('started')}") is empty` : 'no start time column')
  const startedAt = parseTimestampText(startedText)
  if (!startedAt) return problem(`unreadable start time ${quote(startedText)} in "${column('started')}" (ISO 8601 or Jira's 30/Sep/21 17:20)`)

  const resolvedText = text('resolved')
  const resolvedAt = resolvedText ? parseTimestampText(resolvedText) : null
  if (resolvedText && !resolvedAt) return problem(`unreadable resolution time ${quote(resolvedText)} in "${column('resolved')}"`)
  if (resolvedAt && resolvedAt < startedAt) return problem(`resolved (${resolvedText}) before it started (${startedText})`)

  const severityText = text('severity')
  const severity = severityText ? SEVERITY_WORDS[squash(severityText)] : 'warning'
  if (!severity)
    return problem(`unknown severity ${quote(severityText)} in "${column('severity')}" (critical, high, warning, info, SEV1–5, P1–5, Jira priorities)`)

  const linkText = text('link')
  if (linkText && !isHttpUrl(linkText)) return problem(`the link ${quote(linkText)} in "${column('link')}" is not an http(s) URL`)

  const service = truncateText(oneLine(text('service')), MAX.service)
  const idText = truncateText(oneLine(text('external_id')), MAX.externalId)
  return {
    incident: {
      externalId: idText || derivedExternalId(title, service, startedAt),
      title,
      service: orNull(service),
      severity,
      startedAt,
      resolvedAt,
      // PagerDuty's description is both title and summary when there is no title column: once is enough.
      summary: oneLine(text('summary')) === title ? '' : truncateText(text('summary'), MAX.summary),
      rootCause: orNull(truncateText(text('root_cause'), MAX.text)),
      contributingFactors: orNull(truncateText(text('contributing_factors'), MAX.text)),
      resolution: orNull(truncateText(text('resolution'), MAX.text)),
      outcome: OUTCOME_WORDS[squash(text('outcome'))] ?? 'unknown',
      postmortem: orNull(truncateText(text('postmortem'), MAX.postmortem)),
      link: orNull(linkText),
    },
    place,
  }
}

/** A stable id for a row without one, so that importing the same file again still updates rather than duplicates. */
export function derivedExternalId(title: string, service: string, startedAt: Date): string {
  const digest = createHash('sha256').update(`${title}\n${service}\n${startedAt.toISOString()}`).digest('hex')
  return `derived:${digest.slice(0, 20)}`
}

function isHttpUrl(text: string): boolean {
  if (text.length > MAX.link) return false
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

const quote = (text: string) => JSON.stringify(truncateText(text, 60))

/** The fingerprint of an imported incident: one per external id. */
export function importedFingerprint(externalId: string): string {
  return `import:${externalId}`
}
