import { truncateText } from '../../truncate-text'
import { MINUTE_MS } from '../../durations'
import type { LogSeverity } from '../../telemetry/port'

/** Template counts are kept per service in buckets of this size. */
export const LOG_BUCKET_MS = 5 * MINUTE_MS

/** Stored template text and example messages are cut to this many characters. */
export const MAX_STORED_TEMPLATE_CHARS = 2048

/** Text safe and small enough to store: control characters blanked, no lone surrogates, at most 2 KB. */
export function storableText(text: string): string {
  const cut = truncateText(text, MAX_STORED_TEMPLATE_CHARS)
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

/** The start of the bucket `at` falls in. */
export function bucketStartOf(at: Date): number {
  return Math.floor(at.getTime() / LOG_BUCKET_MS) * LOG_BUCKET_MS
}

export interface BucketCount {
  start: Date
  count: number
}

/** A template of one service as storage knows it, with its counts in the range asked for. */
export interface StoredLogTemplate {
  id: number
  template: string
  firstSeenAt: Date
  lastSeenAt: Date
  buckets: BucketCount[]
}

export interface LogTemplateHistorySnapshot {
  templates: StoredLogTemplate[]
  /** Buckets in the range whose warnings were fetched whole: where a missing count means zero. */
  observedBuckets: Date[]
}

/** What one analysis saw of one template, to be added to the stored statistics. */
export interface LogTemplateObservation {
  /** The stored template this one matched (by text or pattern); null for one not stored yet. */
  storedId: number | null
  /** The text to keep: a match's stored text, or a more general one that now covers it. */
  template: string
  maxSeverity: LogSeverity
  firstSeenAt: Date
  lastSeenAt: Date
  buckets: BucketCount[]
}

/** One error-level template, or one Error Reporting group, seen around an incident. */
export interface ErrorSighting {
  service: string
  template: string
  /** One message as written, first line only: re-mined to match later incidents' errors. */
  example: string
  errorGroupId: string | null
  occurrences: number
  seenAt: Date
}

export interface PastIncidentErrors {
  incidentId: string
  number: number
  title: string
  startedAt: Date
  resolution: string | null
  resolutionOutcome: 'worked' | 'partly' | 'failed' | 'unknown' | null
  sightings: ErrorSighting[]
}

/**
 * Template statistics per service and the errors of past incidents, kept in storage so
 * one analysis sees what earlier ones fetched. Implemented by storage/repositories/log-templates.
 */
export interface LogTemplateHistory {
  /** The service's stored templates (without counts) and its observed buckets in [start, end). */
  listLogTemplates(service: string, range: { start: Date; end: Date }): Promise<LogTemplateHistorySnapshot>
  /** Bucket counts in [start, end) of the given templates: only those a run matched are asked for. */
  listLogTemplateCounts(templateIds: number[], range: { start: Date; end: Date }): Promise<Map<number, BucketCount[]>>
  /** Adds one analysis' observations; a repeat of the same observations changes nothing. */
  recordLogTemplates(service: string, observations: LogTemplateObservation[], observedBuckets: Date[]): Promise<void>
  /** Error sightings of incidents that started before `before`, on any of `services`. */
  listEarlierIncidentErrors(query: { before: Date; excludeIncidentId: string; services: string[] }): Promise<PastIncidentErrors[]>
  /** Keeps the errors seen around an incident, replacing what an earlier run stored. */
  replaceIncidentErrors(incidentId: string, sightings: ErrorSighting[]): Promise<void>
}
