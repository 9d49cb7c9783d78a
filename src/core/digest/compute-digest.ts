import { reliabilityBins, brierScore, type Forecast } from '../confidence/calibration-metrics'
import { DAY_MS, HOUR_MS } from '../durations'
import { SEVERITIES, type Severity } from '../incidents/types'
import type { DigestChartData } from './digest-chart-data'
import type { DigestHistory, DigestIncident } from './digest-history'
import { addDays, dayRangeLabel, daysBetween, mondayOf, startOfZonedDay, zonedDay } from './zoned-calendar'

/** The period a digest covers, [since, until), compared with the period of the same length just before it. */
export interface DigestPeriod {
  since: Date
  until: Date
  /** IANA name: days and weeks are counted there. */
  timeZone: string
}

/** Which way a figure went since the previous period; null when one side has nothing to compare. */
export type Trend = 'up' | 'down' | 'flat' | null

export interface Comparison {
  current: number
  previous: number
  trend: Trend
}

/** A response time over the period's incidents: median and p90 of those that had the times. */
export interface TimeFigure {
  medianSeconds: number | null
  p90Seconds: number | null
  /** Incidents of the period with this time recorded, of `of`. */
  withTimes: number
  of: number
  previousMedianSeconds: number | null
  previousP90Seconds: number | null
  trend: Trend
}

export interface NoisyAlert {
  fingerprint: string
  policy: string | null
  service: string | null
  /** The title and number of its latest incident. */
  title: string
  latestIncident: number
  incidents: Comparison
  /** Its share of its service's incidents in the 30 days before the period's end. */
  shareOfService30d: number | null
  /** At least 20 % of its service's incidents in 30 days (and at least two of them). */
  frequent: boolean
  /** No incident of it in the 30 days before the period. */
  new: boolean
  /** Incidents of the period that fired again within an hour of the previous one's resolution. */
  flapping: number
}

export interface RecurringError {
  service: string
  template: string
  errorGroupId: string | null
  /** Incidents of the period it was seen around, and of the 30 days before. */
  incidents: number
  earlierIncidents: number
  incidentNumbers: number[]
}

export interface PlaybookOutcomes {
  playbookId: string
  title: string
  runs: number
  completed: number
  failed: number
  rejected: number
  cancelled: number
  inProgress: number
}

export interface OverdueFollowup {
  owner: string
  text: string
  incidentNumber: number
  dueOn: string
}

/** Everything the digest says, JSON-safe (times as ISO strings): what is posted, stored and shown on App Home. */
export interface Digest {
  period: { since: string; until: string; label: string; days: number; timeZone: string }
  previousPeriod: { since: string; until: string; label: string }
  incidents: {
    total: Comparison
    bySeverity: Array<{ severity: Severity } & Comparison>
    /** Services with incidents in either period, most first; `service` null for incidents that named none. */
    byService: Array<{ service: string | null } & Comparison>
  }
  responseTimes: { acknowledge: TimeFigure; mitigate: TimeFigure; resolve: TimeFigure }
  noisyAlerts: NoisyAlert[]
  recurringErrors: RecurringError[]
  playbooks: {
    runs: Comparison
    byPlaybook: PlaybookOutcomes[]
    approvals: { requested: number; decided: number; expired: number; pending: number; latency: TimeFigure }
  }
  accuracy: {
    diagnosis: { right: number; partly: number; wrong: number; notSure: number; rightShare: number | null; previousRightShare: number | null; trend: Trend }
    similar: { recorded: number; hits: number; hitRate: number | null; previousHitRate: number | null; trend: Trend }
    calibration: { labelled: number; brier: number | null; previousBrier: number | null; trend: Trend }
  }
  followups: { open: Comparison; overdue: Comparison; overdueList: OverdueFollowup[] }
  /** The telemetry scan's warnings and what became of them; null when they were not read. */
  warnings: {
    posted: Comparison
    confirmed: number
    falseAlarms: number
    open: number
    precision: number | null
    previousPrecision: number | null
    precisionTrend: Trend
    /** Incidents on a service a warning preceded, of those started in the period. */
    forewarned: number
    incidents: number
    recall: number | null
    previousRecall: number | null
    recallTrend: Trend
    medianLeadMinutes: number | null
    falseAlarmsByService: Array<{ service: string; falseAlarms: number; perWeek: number }>
    marks: { useful: number; notUseful: number }
  } | null
}

/** A fingerprint is "frequent" at this share of its service's incidents in the last 30 days. */
export const FREQUENT_SHARE = 0.2
export const NOISE_WINDOW_MS = 30 * DAY_MS
/** Re-fired within this long of the previous incident's resolution: flapping. */
export const FLAP_WINDOW_MS = HOUR_MS
/** The MTTR trend shows at least this many weeks. */
export const TREND_WEEKS = 8
const NOISY_SHOWN = 8
const RECURRING_SHOWN = 8
const OVERDUE_SHOWN = 5
const TOP_SERVICES = 10
const RELIABILITY_BINS = 10

/** From when the digest of `period` needs history: the previous period, the 30-day noise window before it, the MTTR trend's weeks. */
export function digestHistoryStart(period: DigestPeriod): Date {
  const length = period.until.getTime() - period.since.getTime()
  const firstWeek = trendWeeks(period)[0]!
  return new Date(Math.min(period.since.getTime() - length, period.since.getTime() - NOISE_WINDOW_MS, startOfZonedDay(firstWeek, period.timeZone).getTime()))
}

/** The digest's figures and its charts' data for `period`, from the history read by digestHistoryStart. */
export function computeDigest(history: DigestHistory, period: DigestPeriod): { digest: Digest; charts: DigestChartData } {
  const { since, until, timeZone } = period
  if (!(since.getTime() < until.getTime())) throw new RangeError('the digest period must end after it starts')
  const length = until.getTime() - since.getTime()
  const previousSince = new Date(since.getTime() - length)
  const inPeriod = (at: Date) => at >= since && at < until
  const inPrevious = (at: Date) => at >= previousSince && at < since
  const current = history.incidents.filter((i) => inPeriod(i.startedAt))
  const previous = history.incidents.filter((i) => inPrevious(i.startedAt))

  const days = periodDays(since, until, timeZone)
  const previousDays = periodDays(previousSince, since, timeZone)
  const digest: Digest = {
    period: { since: since.toISOString(), until: until.toISOString(), label: dayRangeLabel(days[0]!, days.at(-1)!), days: days.length, timeZone },
    previousPeriod: { since: previousSince.toISOString(), until: since.toISOString(), label: dayRangeLabel(previousDays[0]!, previousDays.at(-1)!) },
    incidents: {
      total: compare(current.length, previous.length),
      bySeverity: SEVERITIES.map((severity) => ({
        severity,
        ...compare(current.filter((i) => i.severity === severity).length, previous.filter((i) => i.severity === severity).length),
      })),
      byService: countByService(current, previous),
    },
    responseTimes: {
      acknowledge: timeFigure(current, previous, (i) => i.ttaSeconds),
      mitigate: timeFigure(current, previous, (i) => i.ttmSeconds),
      resolve: timeFigure(current, previous, (i) => i.ttrSeconds),
    },
    noisyAlerts: noisyAlerts(history.incidents, period),
    recurringErrors: recurringErrors(history, period),
    playbooks: playbookFigures(history, period, previousSince),
    accuracy: accuracyFigures(history.incidents, inPeriod, inPrevious),
    followups: followupFigures(history, period),
    warnings: warningFigures(history.warnings),
  }
  return { digest, charts: chartData(digest, current, history.incidents, period, days) }
}

/** The calendar days of [since, until) in `timeZone`. */
function periodDays(since: Date, until: Date, timeZone: string): string[] {
  return daysBetween(zonedDay(since, timeZone), zonedDay(new Date(until.getTime() - 1), timeZone))
}

export function trendOf(current: number | null, previous: number | null): Trend {
  if (current === null || previous === null) return null
  return current > previous ? 'up' : current < previous ? 'down' : 'flat'
}

function compare(current: number, previous: number): Comparison {
  return { current, previous, trend: trendOf(current, previous) }
}

/** Percentile by linear interpolation between closest ranks (R-7, as spreadsheets compute it); null for no values. */
export function percentileOf(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low)
}

function timeFigureOf(current: number[], previous: number[], of: number): TimeFigure {
  const median = percentileOf(current, 0.5)
  const previousMedian = percentileOf(previous, 0.5)
  return {
    medianSeconds: median,
    p90Seconds: percentileOf(current, 0.9),
    withTimes: current.length,
    of,
    previousMedianSeconds: previousMedian,
    previousP90Seconds: percentileOf(previous, 0.9),
    trend: trendOf(median, previousMedian),
  }
}

function timeFigure(current: DigestIncident[], previous: DigestIncident[], time: (i: DigestIncident) => number | null): TimeFigure {
  const values = (list: DigestIncident[]) => list.map(time).filter((t): t is number => t !== null)
  return timeFigureOf(values(current), values(previous), current.length)
}

function countByService(current: DigestIncident[], previous: DigestIncident[]): Digest['incidents']['byService'] {
  const counts = new Map<string | null, { current: number; previous: number }>()
  const entry = (service: string | null) => {
    let c = counts.get(service)
    if (!c) {
      c = { current: 0, previous: 0 }
      counts.set(service, c)
    }
    return c
  }
  for (const i of current) entry(i.service).current++
  for (const i of previous) entry(i.service).previous++
  return [...counts.entries()]
    .map(([service, c]) => ({ service, ...compare(c.current, c.previous) }))
    .sort((a, b) => b.current - a.current || b.previous - a.previous || (a.service ?? '\uffff').localeCompare(b.service ?? '\uffff'))
}

function noisyAlerts(all: DigestIncident[], { since, until }: DigestPeriod): NoisyAlert[] {
  const length = until.getTime() - since.getTime()
  const previousSince = since.getTime() - length
  const noiseFrom = until.getTime() - NOISE_WINDOW_MS
  const newFrom = since.getTime() - NOISE_WINDOW_MS
  const byFingerprint = new Map<string, DigestIncident[]>()
  const serviceIncidents30d = new Map<string, number>()
  for (const i of all) {
    const list = byFingerprint.get(i.fingerprint) ?? []
    list.push(i)
    byFingerprint.set(i.fingerprint, list)
    const t = i.startedAt.getTime()
    if (i.service !== null && t >= noiseFrom && t < until.getTime()) serviceIncidents30d.set(i.service, (serviceIncidents30d.get(i.service) ?? 0) + 1)
  }
  const out: NoisyAlert[] = []
  for (const [fingerprint, list] of byFingerprint) {
    list.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
    const current = list.filter((i) => i.startedAt >= since && i.startedAt < until)
    if (current.length === 0) continue
    const latest = current.at(-1)!
    const previous = list.filter((i) => i.startedAt.getTime() >= previousSince && i.startedAt < since).length
    const in30d = list.filter((i) => i.startedAt.getTime() >= noiseFrom && i.startedAt < until && i.service === latest.service).length
    const serviceTotal = latest.service === null ? 0 : (serviceIncidents30d.get(latest.service) ?? 0)
    const share = serviceTotal > 0 ? in30d / serviceTotal : null
    const flapping = current.filter((i) =>
      list.some((p) => p !== i && p.resolvedAt !== null && p.resolvedAt <= i.startedAt && i.startedAt.getTime() - p.resolvedAt.getTime() <= FLAP_WINDOW_MS),
    ).length
    out.push({
      fingerprint,
      policy: latest.policyName,
      service: latest.service,
      title: latest.title,
      latestIncident: latest.number,
      incidents: compare(current.length, previous),
      shareOfService30d: share,
      frequent: share !== null && share >= FREQUENT_SHARE && in30d >= 2,
      new: !list.some((i) => i.startedAt.getTime() >= newFrom && i.startedAt < since),
      flapping,
    })
  }
  // The noisiest first; among equals, those that are frequent, flapping or new before the quiet ones.
  const flags = (n: NoisyAlert) => Number(n.frequent) + Number(n.flapping > 0) + Number(n.new)
  return out
    .sort((a, b) => b.incidents.current - a.incidents.current || flags(b) - flags(a) || a.fingerprint.localeCompare(b.fingerprint))
    .slice(0, NOISY_SHOWN)
}

function recurringErrors(history: DigestHistory, { since, until }: DigestPeriod): RecurringError[] {
  const earlierFrom = since.getTime() - NOISE_WINDOW_MS
  const groups = new Map<
    string,
    Pick<RecurringError, 'service' | 'template' | 'errorGroupId'> & { current: Set<string>; earlier: Set<string>; numbers: Set<number> }
  >()
  for (const s of history.errorSightings) {
    const t = s.incidentStartedAt.getTime()
    const isCurrent = t >= since.getTime() && t < until.getTime()
    const isEarlier = t >= earlierFrom && t < since.getTime()
    if (!isCurrent && !isEarlier) continue
    const key = s.errorGroupId !== null ? `group\u0000${s.errorGroupId}` : `template\u0000${s.service}\u0000${s.template}`
    let g = groups.get(key)
    if (!g) {
      g = {
        service: s.service,
        template: s.template,
        errorGroupId: s.errorGroupId,
        current: new Set<string>(),
        earlier: new Set<string>(),
        numbers: new Set<number>(),
      }
      groups.set(key, g)
    }
    if (isCurrent) {
      g.current.add(s.incidentId)
      g.numbers.add(s.incidentNumber)
    } else g.earlier.add(s.incidentId)
  }
  return [...groups.values()]
    .filter((g) => g.current.size >= 1 && g.current.size + g.earlier.size >= 2)
    .map(({ current, earlier, numbers, ...g }) => ({
      ...g,
      incidents: current.size,
      earlierIncidents: earlier.size,
      incidentNumbers: [...numbers].sort((a, b) => a - b),
    }))
    .sort((a, b) => b.incidents - a.incidents || b.earlierIncidents - a.earlierIncidents || a.template.localeCompare(b.template))
    .slice(0, RECURRING_SHOWN)
}

function playbookFigures(history: DigestHistory, { since, until }: DigestPeriod, previousSince: Date): Digest['playbooks'] {
  const inPeriod = (at: Date) => at >= since && at < until
  const runs = history.playbookRuns.filter((r) => inPeriod(r.startedAt))
  const previousRuns = history.playbookRuns.filter((r) => r.startedAt >= previousSince && r.startedAt < since)
  const byPlaybook = new Map<string, PlaybookOutcomes>()
  for (const r of runs) {
    let p = byPlaybook.get(r.playbookId)
    if (!p) {
      p = { playbookId: r.playbookId, title: r.title, runs: 0, completed: 0, failed: 0, rejected: 0, cancelled: 0, inProgress: 0 }
      byPlaybook.set(r.playbookId, p)
    }
    p.runs++
    if (r.status === 'completed' || r.status === 'failed' || r.status === 'rejected' || r.status === 'cancelled') p[r.status]++
    else p.inProgress++
  }
  const requested = history.approvals.filter((a) => inPeriod(a.requestedAt))
  const previousRequested = history.approvals.filter((a) => a.requestedAt >= previousSince && a.requestedAt < since)
  const latencies = (list: typeof requested) =>
    list
      .filter((a) => (a.status === 'approved' || a.status === 'rejected') && a.decidedAt !== null)
      .map((a) => Math.max(0, (a.decidedAt!.getTime() - a.requestedAt.getTime()) / 1000))
  const decided = latencies(requested)
  return {
    runs: compare(runs.length, previousRuns.length),
    byPlaybook: [...byPlaybook.values()].sort((a, b) => b.runs - a.runs || a.playbookId.localeCompare(b.playbookId)),
    approvals: {
      requested: requested.length,
      decided: decided.length,
      expired: requested.filter((a) => a.status === 'expired').length,
      pending: requested.filter((a) => a.status === 'pending').length,
      latency: timeFigureOf(decided, latencies(previousRequested), requested.length),
    },
  }
}

function accuracyFigures(all: DigestIncident[], inPeriod: (at: Date) => boolean, inPrevious: (at: Date) => boolean): Digest['accuracy'] {
  const labelledIn = (within: (at: Date) => boolean) => all.filter((i) => i.resolutionRecordedAt !== null && within(i.resolutionRecordedAt))
  const current = labelledIn(inPeriod)
  const previous = labelledIn(inPrevious)
  const count = (list: DigestIncident[], label: DigestIncident['diagnosisLabel']) => list.filter((i) => i.diagnosisLabel === label).length
  const rightShare = (list: DigestIncident[]) => {
    const judged = count(list, 'right') + count(list, 'partly') + count(list, 'wrong')
    return judged === 0 ? null : count(list, 'right') / judged
  }
  const hitRate = (list: DigestIncident[]) => {
    const recorded = list.filter((i) => i.sameIncidentId !== null)
    return { recorded: recorded.length, hits: recorded.filter((i) => i.topMatchId === i.sameIncidentId).length }
  }
  // Right = 1, wrong = 0; partly and not sure are left out, as the calibration's refit does.
  const forecasts = (list: DigestIncident[]): Forecast[] =>
    list
      .filter((i) => i.confidence !== null && (i.diagnosisLabel === 'right' || i.diagnosisLabel === 'wrong'))
      .map((i) => ({ probability: Math.min(1, Math.max(0, i.confidence!)), label: i.diagnosisLabel === 'right' ? 1 : 0 }))
  const similar = hitRate(current)
  const previousSimilar = hitRate(previous)
  const rate = (s: { recorded: number; hits: number }) => (s.recorded === 0 ? null : s.hits / s.recorded)
  const currentForecasts = forecasts(current)
  const previousForecasts = forecasts(previous)
  const brier = currentForecasts.length === 0 ? null : brierScore(currentForecasts)
  const previousBrier = previousForecasts.length === 0 ? null : brierScore(previousForecasts)
  return {
    diagnosis: {
      right: count(current, 'right'),
      partly: count(current, 'partly'),
      wrong: count(current, 'wrong'),
      notSure: count(current, 'not_sure'),
      rightShare: rightShare(current),
      previousRightShare: rightShare(previous),
      trend: trendOf(rightShare(current), rightShare(previous)),
    },
    similar: { ...similar, hitRate: rate(similar), previousHitRate: rate(previousSimilar), trend: trendOf(rate(similar), rate(previousSimilar)) },
    calibration: { labelled: currentForecasts.length, brier, previousBrier, trend: trendOf(brier, previousBrier) },
  }
}

function warningFigures(warnings: DigestHistory['warnings']): Digest['warnings'] {
  if (!warnings) return null
  const { current, previous } = warnings
  return {
    posted: compare(current.warnings, previous.warnings),
    confirmed: current.confirmed,
    falseAlarms: current.falseAlarms,
    open: current.open,
    precision: current.precision,
    previousPrecision: previous.precision,
    precisionTrend: trendOf(current.precision, previous.precision),
    forewarned: current.forewarned,
    incidents: current.incidents,
    recall: current.recall,
    previousRecall: previous.recall,
    recallTrend: trendOf(current.recall, previous.recall),
    medianLeadMinutes: current.medianLeadMinutes,
    falseAlarmsByService: current.falseAlarmsByService.slice(0, 5),
    marks: current.marks,
  }
}

/** Labelled forecasts of the period, for the reliability diagram. */
function periodForecasts(all: DigestIncident[], { since, until }: DigestPeriod): Forecast[] {
  return all
    .filter((i) => i.resolutionRecordedAt !== null && i.resolutionRecordedAt >= since && i.resolutionRecordedAt < until)
    .filter((i) => i.confidence !== null && (i.diagnosisLabel === 'right' || i.diagnosisLabel === 'wrong'))
    .map((i) => ({ probability: Math.min(1, Math.max(0, i.confidence!)), label: i.diagnosisLabel === 'right' ? 1 : 0 }))
}

function followupFigures(history: DigestHistory, { since, until, timeZone }: DigestPeriod): Digest['followups'] {
  const openAt = (at: Date) => history.followups.filter((f) => f.createdAt < at && (f.closedAt === null ? f.status === 'open' : f.closedAt >= at))
  const overdueAt = (at: Date) => {
    const today = zonedDay(at, timeZone)
    return openAt(at).filter((f) => f.dueOn !== null && f.dueOn < today)
  }
  const overdue = overdueAt(until)
  return {
    open: compare(openAt(until).length, openAt(since).length),
    overdue: compare(overdue.length, overdueAt(since).length),
    overdueList: overdue
      .sort((a, b) => a.dueOn!.localeCompare(b.dueOn!) || a.incidentNumber - b.incidentNumber)
      .slice(0, OVERDUE_SHOWN)
      .map((f) => ({ owner: f.owner, text: f.text, incidentNumber: f.incidentNumber, dueOn: f.dueOn! })),
  }
}

/** Mondays of the MTTR trend: at least TREND_WEEKS weeks up to the period's last, and every week of the period. */
function trendWeeks({ since, until, timeZone }: DigestPeriod): string[] {
  const lastWeek = mondayOf(zonedDay(new Date(until.getTime() - 1), timeZone))
  const firstWeek = [mondayOf(zonedDay(since, timeZone)), addDays(lastWeek, -7 * (TREND_WEEKS - 1))].sort()[0]!
  const weeks: string[] = []
  for (let w = firstWeek; w <= lastWeek; w = addDays(w, 7)) weeks.push(w)
  return weeks
}

function chartData(digest: Digest, current: DigestIncident[], all: DigestIncident[], period: DigestPeriod, days: string[]): DigestChartData {
  const { timeZone } = period
  const perDay = new Map(days.map((day) => [day, Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>]))
  for (const i of current) perDay.get(zonedDay(i.startedAt, timeZone))![i.severity]++
  const weeks = trendWeeks(period)
  const first = startOfZonedDay(weeks[0]!, timeZone)
  const byWeek = new Map(weeks.map((w) => [w, [] as DigestIncident[]]))
  for (const i of all) {
    if (i.startedAt < first || i.startedAt >= period.until) continue
    byWeek.get(mondayOf(zonedDay(i.startedAt, timeZone)))?.push(i)
  }
  const forecasts = periodForecasts(all, period)
  const minutes = (seconds: number | null) => (seconds === null ? null : seconds / 60)
  return {
    period: { since: period.since, until: period.until, label: digest.period.label },
    incidentsPerDay: days.map((day) => ({ day, bySeverity: perDay.get(day)! })),
    ttrByWeek: [...byWeek.entries()].map(([weekStart, list]) => {
      const ttr = list.map((i) => i.ttrSeconds).filter((t): t is number => t !== null)
      return { weekStart, medianMinutes: minutes(percentileOf(ttr, 0.5)), p90Minutes: minutes(percentileOf(ttr, 0.9)), incidents: list.length }
    }),
    topServices: digest.incidents.byService
      .filter((s) => s.current > 0)
      .slice(0, TOP_SERVICES)
      .map((s) => ({ service: s.service ?? '(no service)', incidents: s.current, previous: s.previous })),
    reliability: {
      bins: reliabilityBins(forecasts, RELIABILITY_BINS).map((b) => ({
        from: b.from,
        to: b.to,
        meanConfidence: b.confidence,
        observedRate: b.accuracy,
        count: b.count,
      })),
      brier: forecasts.length === 0 ? null : brierScore(forecasts),
      labelled: forecasts.length,
    },
  }
}

/** The window of history the digest of `period` reads (see storage/repositories/digest-history.ts). */
export interface DigestHistoryWindow {
  /** The period and the one before it, [previousSince, since) and [since, until). */
  since: Date
  previousSince: Date
  /** Incidents started from here, and the runs, approvals and follow-ups of the same span. */
  from: Date
  /** Incidents whose resolution was recorded from here (the accuracy counts answers given in either period). */
  labelledFrom: Date
  until: Date
}

/** Reads what the digest of `period` needs through `load` and computes it. */
export async function collectDigest(
  load: (window: DigestHistoryWindow) => Promise<DigestHistory>,
  period: DigestPeriod,
): Promise<{ digest: Digest; charts: DigestChartData }> {
  const length = period.until.getTime() - period.since.getTime()
  const previousSince = new Date(period.since.getTime() - length)
  const history = await load({ since: period.since, previousSince, from: digestHistoryStart(period), labelledFrom: previousSince, until: period.until })
  return computeDigest(history, period)
}
