import { FakeApiControls } from './fake-api-controls'
import { FakeRestServer, invalidArgument, nextPageToken, pageOffset } from './fake-rest-server'

export interface FakeErrorEvent {
  groupId: string
  service: string
  atMs: number
  message: string
}

const HOUR_MS = 3_600_000
const PERIODS: Record<string, number> = {
  PERIOD_1_HOUR: HOUR_MS,
  PERIOD_6_HOURS: 6 * HOUR_MS,
  PERIOD_1_DAY: 24 * HOUR_MS,
  PERIOD_1_WEEK: 7 * 24 * HOUR_MS,
  PERIOD_30_DAYS: 30 * 24 * HOUR_MS,
}

/**
 * The Error Reporting read API (v1beta1, REST): projects.groupStats.list aggregates events
 * per group over a period ending now (count, first/last seen across all time, the newest
 * event as representative, timed counts aligned to the end), projects.events.list lists a
 * group's events newest first.
 */
export class FakeErrorReportingServer {
  events: FakeErrorEvent[] = []
  now: () => number = Date.now
  /** Where events come from; defaults to `events`. A generator sees the service and period asked about. */
  source: (service: string | null, fromMs: number, toMs: number) => FakeErrorEvent[] | Promise<FakeErrorEvent[]> = (service) =>
    this.events.filter((e) => service === null || e.service === service)

  private constructor(
    readonly rest: FakeRestServer,
    readonly controls: FakeApiControls,
  ) {}

  get url(): string {
    return this.rest.url
  }

  static async start(expectedToken: string): Promise<FakeErrorReportingServer> {
    const holder: { fake?: FakeErrorReportingServer } = {}
    const controls = new FakeApiControls('clouderrorreporting.googleapis.com')
    const rest = await FakeRestServer.start(controls, expectedToken, [
      {
        method: 'groupStats.list',
        pattern: /^\/v1beta1\/projects\/([^/]+)\/groupStats$/,
        handle: async (_m, q) => ({ status: 200, body: await holder.fake!.groupStats(q) }),
      },
      {
        method: 'events.list',
        pattern: /^\/v1beta1\/projects\/([^/]+)\/events$/,
        handle: async (_m, q) => ({ status: 200, body: await holder.fake!.listEvents(q) }),
      },
    ])
    holder.fake = new FakeErrorReportingServer(rest, controls)
    return holder.fake
  }

  private window(q: URLSearchParams): { fromMs: number; toMs: number } {
    const period = q.get('timeRange.period') ?? 'PERIOD_30_DAYS'
    const periodMs = PERIODS[period]
    if (periodMs === undefined) throw invalidArgument(`Invalid value at 'time_range.period' (${period})`)
    const toMs = this.now()
    return { fromMs: toMs - periodMs, toMs }
  }

  private async groupStats(q: URLSearchParams): Promise<unknown> {
    const { fromMs, toMs } = this.window(q)
    const service = q.get('serviceFilter.service')
    const durationText = q.get('timedCountDuration')
    const duration = durationText === null ? null : /^(\d+)s$/.exec(durationText)
    if (durationText !== null && !duration) throw invalidArgument(`Invalid value at 'timed_count_duration' (${durationText})`)
    const alignment = q.get('alignment') ?? 'ALIGNMENT_EQUAL_ROUNDED'
    if (!['ALIGNMENT_EQUAL_ROUNDED', 'ALIGNMENT_EQUAL_AT_END'].includes(alignment)) throw invalidArgument(`Invalid value at 'alignment' (${alignment})`)
    const order = q.get('order') ?? 'COUNT_DESC'
    if (!['COUNT_DESC', 'LAST_SEEN_DESC', 'CREATED_DESC', 'AFFECTED_USERS_DESC'].includes(order)) throw invalidArgument(`Invalid value at 'order' (${order})`)
    const pageSize = pageSizeOf(q)
    const forService = await this.source(service, fromMs, toMs)
    const groups = new Map<string, FakeErrorEvent[]>()
    for (const e of forService) groups.set(e.groupId, [...(groups.get(e.groupId) ?? []), e])
    const stats = []
    for (const [groupId, all] of groups) {
      const inPeriod = all.filter((e) => e.atMs > fromMs && e.atMs <= toMs).sort((a, b) => a.atMs - b.atMs)
      if (inPeriod.length === 0) continue
      const entry: Record<string, unknown> = {
        group: { name: `projects/p/groups/${groupId}`, groupId, resolutionStatus: 'OPEN' },
        count: String(inPeriod.length),
        affectedUsersCount: '0',
        firstSeenTime: new Date(Math.min(...all.map((e) => e.atMs))).toISOString(),
        lastSeenTime: new Date(Math.max(...all.map((e) => e.atMs))).toISOString(),
        affectedServices: [{ service: inPeriod[0]!.service }],
        numAffectedServices: 1,
        representative: {
          eventTime: new Date(inPeriod[inPeriod.length - 1]!.atMs).toISOString(),
          message: inPeriod[inPeriod.length - 1]!.message,
          serviceContext: { service: inPeriod[0]!.service },
        },
      }
      if (duration) {
        const d = Number(duration[1]) * 1000
        const counts = new Map<number, number>()
        // ALIGNMENT_EQUAL_AT_END: buckets end at "now"; ROUNDED: at multiples of the duration.
        const anchor = alignment === 'ALIGNMENT_EQUAL_AT_END' ? toMs : Math.ceil(toMs / d) * d
        for (const e of inPeriod) {
          const end = anchor - Math.floor((anchor - e.atMs) / d) * d
          counts.set(end, (counts.get(end) ?? 0) + 1)
        }
        entry.timedCounts = [...counts.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([end, count]) => ({ count: String(count), startTime: new Date(end - d).toISOString(), endTime: new Date(end).toISOString() }))
      }
      stats.push(entry)
    }
    const countOf = (s: Record<string, unknown>) => Number(s.count)
    stats.sort(order === 'LAST_SEEN_DESC' ? (a, b) => String(b.lastSeenTime).localeCompare(String(a.lastSeenTime)) : (a, b) => countOf(b) - countOf(a))
    const offset = pageOffset(q)
    const next = nextPageToken(q, offset + pageSize, stats.length)
    return { errorGroupStats: stats.slice(offset, offset + pageSize), ...(next ? { nextPageToken: next } : {}), timeRangeBegin: new Date(fromMs).toISOString() }
  }

  private async listEvents(q: URLSearchParams): Promise<unknown> {
    const groupId = q.get('groupId')
    if (!groupId) throw invalidArgument("Required parameter 'group_id' is missing")
    const { fromMs, toMs } = this.window(q)
    const service = q.get('serviceFilter.service')
    const pageSize = pageSizeOf(q)
    const events = (await this.source(service, fromMs, toMs))
      .filter((e) => e.groupId === groupId && e.atMs > fromMs && e.atMs <= toMs)
      .sort((a, b) => b.atMs - a.atMs)
    const offset = pageOffset(q)
    const next = nextPageToken(q, offset + pageSize, events.length)
    return {
      errorEvents: events
        .slice(offset, offset + pageSize)
        .map((e) => ({ eventTime: new Date(e.atMs).toISOString(), message: e.message, serviceContext: { service: e.service } })),
      ...(next ? { nextPageToken: next } : {}),
      timeRangeBegin: new Date(fromMs).toISOString(),
    }
  }

  async close(): Promise<void> {
    await this.rest.close()
  }
}

function pageSizeOf(q: URLSearchParams): number {
  const raw = q.get('pageSize')
  if (raw === null) return 20
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw invalidArgument(`Invalid value at 'page_size' (${raw})`)
  return n === 0 ? 20 : n
}
