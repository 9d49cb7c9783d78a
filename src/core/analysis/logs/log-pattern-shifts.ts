import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../durations'
import { SEVERITY_RANK, type LogEntry, type LogSeverity } from '../../telemetry/port'
import { LOG_BUCKET_MS, bucketStartOf, type LogTemplateHistorySnapshot, type LogTemplateObservation, type StoredLogTemplate } from './log-template-history'
import { LogTemplateMiner } from './log-template-miner'
import { StoredTemplateIndex, hasLiteralToken } from './match-stored-template'

/** Log entries fetched over one window; `complete` when the fetch was not cut short by its limit. */
export interface LogSample {
  start: Date
  end: Date
  entries: LogEntry[]
  complete: boolean
}

export interface LogPatternShift {
  template: string
  kind: 'new' | 'surge'
  /** Occurrences over the baseline. */
  countBefore: number
  countNow: number
  /** Rate now over the baseline rate (per minute); null for a new pattern. */
  factor: number | null
  /** The pattern is known but absent from the baseline: the factor assumes one occurrence there, so it is a floor. */
  factorIsFloor: boolean
  firstSeenAt: Date
  /** The window's fetch was cut short by its limit (newest lines first), so the pattern may be older than firstSeenAt. */
  firstSeenIsBound: boolean
  /** For a new pattern, the latest deploy before it first appeared. */
  deployAt: Date | null
  example: string
}

export interface LogBaseline {
  /** Minutes of fetched warnings the earlier rates are taken over. */
  minutes: number
  /**
   * hour-before: nothing older is stored; same-hours: the same hours (±1 h) of previous days plus
   * the last two hours; stored: every observed bucket of the previous days.
   */
  kind: 'hour-before' | 'same-hours' | 'stored'
  /** How many days back the baseline reaches. */
  days: number
  /** "the hour before", "the same hours of the previous 6 days and the 2 hours before (9 h of logs)". */
  description: string
}

export interface LogPatternAnalysis {
  shifts: LogPatternShift[]
  /** Null when there is nothing to compare with (no earlier logs fetched or stored). */
  baseline: LogBaseline | null
  /** What this run saw, per template, for the stored statistics. */
  observations: LogTemplateObservation[]
  /** Buckets this run fetched whole. */
  observedBuckets: Date[]
}

export interface LogPatternInput {
  /** The warnings of the hour before, null when that fetch failed. */
  before: LogSample | null
  /** The warnings of the incident window. */
  now: LogSample
  /** Stored statistics of buckets before `now.start`; null when storage is not available. */
  history: LogTemplateHistorySnapshot | null
  /** When the service was deployed, from its deploy logs. */
  deploys: Date[]
}

export interface LogPatternOptions {
  /** Occurrences in the window a pattern needs to be reported (default 3). */
  minCount?: number
  /** Rate over the baseline rate that counts as a surge (default 10). */
  minFactor?: number
}

/** Observed minutes at the same hours of previous days needed before they are preferred as the baseline. */
const SAME_HOURS_MIN_MINUTES = 60

/** What one template's lines added up to in the samples. */
export interface Tally {
  buckets: Map<number, number>
  before: number
  now: number
  first: Date
  last: Date
  firstNow: Date | null
  severity: LogSeverity
  example: string
}

/** The warnings of both samples mined into templates, each with its tally; nothing matched to storage yet. */
export interface MinedLogSamples {
  before: LogSample | null
  now: LogSample
  templates: Array<{ template: string; tally: Tally }>
}

/**
 * Mines the service's warnings of the incident window (and of the hour before) into templates,
 * matches them by pattern to the templates stored by earlier analyses, and reports the patterns
 * that are new (never seen before: "since the deploy at 14:02 UTC" when one preceded them) or
 * surging (`minFactor`× their per-minute rate over the baseline). The baseline is every bucket
 * stored or fetched whole before the window, the same hours of previous days when enough of them
 * were observed; without stored history it is the hour before. Also returns what to store.
 */
export function findLogPatternShifts(input: LogPatternInput, options: LogPatternOptions = {}): LogPatternAnalysis {
  return compareLogPatterns(mineLogSamples(input.before, input.now), input.history, input.deploys, options)
}

/** Mines the warnings of the hour before, then of the window, oldest first, as they would have arrived live. */
export function mineLogSamples(before: LogSample | null, now: LogSample): MinedLogSamples {
  const miner = new LogTemplateMiner()
  const tallies = new Map<number, Tally>()
  const add = (entry: LogEntry, phase: 'before' | 'now') => {
    const mined = miner.add(entry.message, entry.at)
    let t = tallies.get(mined.templateId)
    if (!t) {
      t = { buckets: new Map(), before: 0, now: 0, first: entry.at, last: entry.at, firstNow: null, severity: entry.severity, example: entry.message }
      tallies.set(mined.templateId, t)
    }
    t[phase]++
    const bucket = bucketStartOf(entry.at)
    t.buckets.set(bucket, (t.buckets.get(bucket) ?? 0) + 1)
    if (entry.at < t.first) t.first = entry.at
    if (entry.at > t.last) t.last = entry.at
    if (phase === 'now' && (!t.firstNow || entry.at < t.firstNow)) t.firstNow = entry.at
    if (SEVERITY_RANK[entry.severity] > SEVERITY_RANK[t.severity]) t.severity = entry.severity
  }
  for (const e of usable(before)) add(e, 'before')
  for (const e of usable(now)) add(e, 'now')
  // Merges may have folded several ids into one template: one tally per surviving template.
  const merged = new Map<number, Tally>()
  for (const [id, tally] of tallies) {
    const survivor = miner.resolve(id)
    const into = merged.get(survivor)
    if (into) mergeTally(into, tally)
    else merged.set(survivor, { ...tally, buckets: new Map(tally.buckets) })
  }
  return { before, now, templates: [...merged].map(([id, tally]) => ({ template: miner.template(id) ?? tally.example, tally })) }
}

/** The stored templates the mined ones match by pattern: the only ones whose counts the comparison needs. */
export function matchedStoredTemplateIds(mined: MinedLogSamples, stored: ReadonlyArray<{ id: number; template: string }>): number[] {
  const index = new StoredTemplateIndex(stored)
  const ids = new Set<number>()
  for (const { template } of mined.templates) {
    const match = index.match(template)
    if (match) ids.add(match.stored.id)
  }
  return [...ids]
}

/** Compares mined templates with the stored statistics (counts are needed only for the matched templates). */
export function compareLogPatterns(
  mined: MinedLogSamples,
  history: LogTemplateHistorySnapshot | null,
  deploys: Date[],
  options: LogPatternOptions = {},
): LogPatternAnalysis {
  const minCount = options.minCount ?? 3
  const minFactor = options.minFactor ?? 10
  const { before, now } = mined
  // Matching to storage may fold several mined templates into one stored one.
  const groups = new Map<string, { stored: StoredLogTemplate | null; template: string; tally: Tally }>()
  const index = history ? new StoredTemplateIndex(history.templates) : null
  for (const [i, { template: text, tally }] of mined.templates.entries()) {
    const match = index?.match(text) ?? null
    const key = match ? `stored:${match.stored.id}` : `mined:${i}`
    const group = groups.get(key)
    if (!group) groups.set(key, { stored: match?.stored ?? null, template: match?.template ?? text, tally: { ...tally, buckets: new Map(tally.buckets) } })
    else {
      if (match && match.template !== match.stored.template) group.template = match.template
      mergeTally(group.tally, tally)
    }
  }

  // The incident window ends at the fetch, so its last minutes may not have arrived yet.
  const observedBuckets = [...wholeBuckets(before), ...wholeBuckets(now, INGESTION_LAG_MS)]
  const baseline = chooseBaseline(now.start, [...(history?.observedBuckets.map((d) => d.getTime()) ?? []), ...coveredBuckets(before).map((d) => d.getTime())])
  const shifts: LogPatternShift[] = []
  const nowMinutes = Math.max(1, (now.end.getTime() - now.start.getTime()) / MINUTE_MS)
  for (const { stored, template, tally } of groups.values()) {
    if (!baseline || tally.now < minCount || !hasLiteralToken(template)) continue
    const storedCounts = new Map(stored?.buckets.map((b) => [b.start.getTime(), b.count]))
    let countBefore = 0
    // A bucket counted by an earlier run and by this one holds the larger count, as storage does.
    for (const bucket of baseline.buckets) countBefore += Math.max(tally.buckets.get(bucket) ?? 0, storedCounts.get(bucket) ?? 0)
    const seenBefore = countBefore > 0 || tally.before > 0 || (stored !== null && stored.firstSeenAt < now.start)
    const firstSeenAt = tally.firstNow ?? tally.first
    if (!seenBefore) {
      const deployAt = deploys.filter((d) => d <= firstSeenAt).sort((a, b) => b.getTime() - a.getTime())[0] ?? null
      shifts.push({
        template,
        kind: 'new',
        countBefore: 0,
        countNow: tally.now,
        factor: null,
        factorIsFloor: false,
        firstSeenAt,
        firstSeenIsBound: !now.complete,
        deployAt,
        example: tally.example,
      })
      continue
    }
    const factor = tally.now / nowMinutes / (Math.max(1, countBefore) / baseline.summary.minutes)
    if (factor >= minFactor)
      shifts.push({
        template,
        kind: 'surge',
        countBefore,
        countNow: tally.now,
        factor,
        factorIsFloor: countBefore === 0,
        firstSeenAt,
        firstSeenIsBound: !now.complete,
        deployAt: null,
        example: tally.example,
      })
  }

  const observations: LogTemplateObservation[] = []
  for (const { stored, template, tally } of groups.values()) {
    if (!hasLiteralToken(template)) continue
    observations.push({
      storedId: stored?.id ?? null,
      template,
      maxSeverity: tally.severity,
      firstSeenAt: tally.first,
      lastSeenAt: tally.last,
      buckets: [...tally.buckets].sort((a, b) => a[0] - b[0]).map(([start, count]) => ({ start: new Date(start), count })),
    })
  }
  return { shifts: shifts.sort((a, b) => b.countNow - a.countNow), baseline: baseline?.summary ?? null, observations, observedBuckets }
}

/** Warnings and above with a valid time inside the sample's window, oldest first. */
function usable(sample: LogSample | null): LogEntry[] {
  if (!sample) return []
  const start = sample.start.getTime()
  const end = sample.end.getTime()
  return sample.entries
    .filter((e) => e.at instanceof Date && e.at.getTime() >= start && e.at.getTime() <= end && (SEVERITY_RANK[e.severity] ?? 0) >= SEVERITY_RANK.WARNING)
    .sort((a, b) => a.at.getTime() - b.at.getTime())
}

/** The buckets lying wholly inside a sample fetched whole: there, a template without a count did not occur. */
/** Lines reach a logging backend late: a bucket this close to the moment of the fetch may still be filling. */
const INGESTION_LAG_MS = 5 * MINUTE_MS

/** Buckets wholly inside a complete sample; `lagMs` leaves out those still filling when the sample ends at the fetch. */
function wholeBuckets(sample: LogSample | null, lagMs = 0): Date[] {
  if (!sample?.complete) return []
  return bucketsWithin(sample.start.getTime(), sample.end.getTime() - lagMs)
}

/**
 * For this run's baseline: the whole buckets of a complete sample; of one cut short by its limit,
 * those strictly between its earliest and latest lines (the cut may fall on either side). The
 * latter are not stored as observed: that a fetch returns lines in time order is assumed, not known.
 */
function coveredBuckets(sample: LogSample | null): Date[] {
  if (!sample) return []
  if (sample.complete) return wholeBuckets(sample)
  const times = usable(sample).map((e) => e.at.getTime())
  if (times.length === 0) return []
  return bucketsWithin(bucketStartOf(new Date(times[0]!)) + LOG_BUCKET_MS, bucketStartOf(new Date(times[times.length - 1]!)))
}

function bucketsWithin(start: number, end: number): Date[] {
  const out: Date[] = []
  for (let b = Math.ceil(start / LOG_BUCKET_MS) * LOG_BUCKET_MS; b + LOG_BUCKET_MS <= end; b += LOG_BUCKET_MS) out.push(new Date(b))
  return out
}

function mergeTally(into: Tally, t: Tally): void {
  for (const [bucket, count] of t.buckets) into.buckets.set(bucket, (into.buckets.get(bucket) ?? 0) + count)
  into.before += t.before
  into.now += t.now
  if (t.first < into.first) into.first = t.first
  if (t.last > into.last) into.last = t.last
  if (t.firstNow && (!into.firstNow || t.firstNow < into.firstNow)) into.firstNow = t.firstNow
  if (SEVERITY_RANK[t.severity] > SEVERITY_RANK[into.severity]) into.severity = t.severity
}

/** The buckets before `windowStart` the earlier rate is taken over. */
function chooseBaseline(windowStart: Date, observed: number[]): { buckets: number[]; summary: LogBaseline } | null {
  const start = windowStart.getTime()
  const all = [...new Set(observed)].filter((b) => b + LOG_BUCKET_MS <= start).sort((a, b) => a - b)
  if (all.length === 0) return null
  const recent = all.filter((b) => b >= start - 2 * HOUR_MS)
  const older = all.filter((b) => b < start - 2 * HOUR_MS)
  const days = Math.max(1, Math.round((start - all[0]!) / DAY_MS))
  const previous = days === 1 ? 'the previous day' : `the previous ${days} days`
  const hours = (n: number) => `${Number(((n * LOG_BUCKET_MS) / HOUR_MS).toFixed(1))} h of logs`
  if (older.length === 0) return { buckets: all, summary: { minutes: minutesOf(all), kind: 'hour-before', days: 0, description: 'the hour before' } }
  const sameHours = older.filter((b) => circularDistance((b - start) % DAY_MS, DAY_MS) <= HOUR_MS)
  if (minutesOf(sameHours) >= SAME_HOURS_MIN_MINUTES) {
    const buckets = [...sameHours, ...recent]
    return {
      buckets,
      summary: {
        minutes: minutesOf(buckets),
        kind: 'same-hours',
        days,
        description: `the same hours of ${previous} and the 2 hours before (${hours(buckets.length)})`,
      },
    }
  }
  return { buckets: all, summary: { minutes: minutesOf(all), kind: 'stored', days, description: `${previous} (${hours(all.length)})` } }
}

function minutesOf(buckets: number[]): number {
  return (buckets.length * LOG_BUCKET_MS) / MINUTE_MS
}

/** Distance of an offset from a multiple of `period`, e.g. how far apart two times of day are. */
function circularDistance(offset: number, period: number): number {
  const d = ((offset % period) + period) % period
  return Math.min(d, period - d)
}
