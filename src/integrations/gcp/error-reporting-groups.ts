import { z } from 'zod'
import { HOUR_MS } from '../../core/durations'
import { TelemetryQueryError } from '../../core/telemetry/port'
import type { CallApi } from './api-call-gate'
import type { GcpClients } from './gcp-clients'
import { redactSecrets } from './redact-secrets'
import { int64Schema, parseResponse, rfc3339Schema } from './response-fields'

/** QueryTimeRange.Period: Error Reporting only answers for these spans, ending now. */
const PERIODS: Array<[string, number]> = [
  ['PERIOD_1_HOUR', HOUR_MS],
  ['PERIOD_6_HOURS', 6 * HOUR_MS],
  ['PERIOD_1_DAY', 24 * HOUR_MS],
  ['PERIOD_1_WEEK', 7 * 24 * HOUR_MS],
  ['PERIOD_30_DAYS', 30 * 24 * HOUR_MS],
]
const MAX_MESSAGE_CHARS = 500

const groupStatsSchema = z.object({
  group: z.object({ groupId: z.string().min(1) }),
  count: int64Schema,
  timedCounts: z.array(z.object({ count: int64Schema, startTime: rfc3339Schema, endTime: rfc3339Schema })).nullish(),
  firstSeenTime: rfc3339Schema,
  lastSeenTime: rfc3339Schema,
  representative: z.object({ message: z.string().nullish() }).nullish(),
})
const listGroupStatsResponseSchema = z.object({ errorGroupStats: z.array(groupStatsSchema).nullish(), nextPageToken: z.string().nullish() })
const listEventsResponseSchema = z.object({
  errorEvents: z.array(z.object({ eventTime: rfc3339Schema, message: z.string().nullish() })).nullish(),
  nextPageToken: z.string().nullish(),
})

export interface CachedErrorGroup {
  groupId: string
  message: string
  count: number
  firstSeenMs: number
  lastSeenMs: number
  /** [start, end, count] per timed-count bucket, so any window inside the period can be counted. */
  timed: Array<[number, number, number]> | null
}

export interface CachedErrorEvent {
  atMs: number
  message: string
}

/** The shortest period that reaches back to `startMs`; Error Reporting cannot look further than 30 days. */
export function periodCovering(startMs: number, nowMs: number): { period: string; periodMs: number } {
  const need = nowMs - startMs
  const found = PERIODS.find(([, ms]) => ms >= need)
  if (!found) throw new TelemetryQueryError(`Error Reporting keeps 30 days; the window starts ${Math.round(need / (24 * HOUR_MS))} days ago`)
  return { period: found[0], periodMs: found[1] }
}

export function groupStatsParams(service: string, period: { period: string; periodMs: number }, pageSize: number): Record<string, string | number> {
  return {
    'timeRange.period': period.period,
    'serviceFilter.service': service,
    // Sixty buckets whatever the period, aligned to end now, so a window inside it can be counted.
    timedCountDuration: `${Math.max(60, Math.round(period.periodMs / 60_000))}s`,
    alignment: 'ALIGNMENT_EQUAL_AT_END',
    order: 'COUNT_DESC',
    pageSize,
  }
}

export async function fetchErrorGroups(
  clients: GcpClients,
  call: CallApi,
  params: Record<string, string | number>,
  maxPages: number,
): Promise<CachedErrorGroup[]> {
  const out: CachedErrorGroup[] = []
  let pageToken: string | undefined
  for (let page = 0; page < maxPages; page++) {
    const pageParams = pageToken ? { ...params, pageToken } : params
    const raw = await call(
      (timeout) => clients.errorReporting.groupStats(clients.projectId, pageParams, timeout),
      `groupStats.list for service "${params['serviceFilter.service']}"`,
    )
    const response = parseResponse('error_reporting', 'groupStats.list', listGroupStatsResponseSchema, raw)
    for (const g of response.errorGroupStats ?? []) {
      out.push({
        groupId: g.group.groupId,
        message: redactSecrets((g.representative?.message ?? '').split('\n')[0]!.trim() || `error group ${g.group.groupId}`).slice(0, MAX_MESSAGE_CHARS),
        count: g.count,
        firstSeenMs: Date.parse(g.firstSeenTime),
        lastSeenMs: Date.parse(g.lastSeenTime),
        timed: g.timedCounts ? g.timedCounts.map((t) => [Date.parse(t.startTime), Date.parse(t.endTime), t.count]) : null,
      })
    }
    pageToken = response.nextPageToken || undefined
    if (!pageToken) break
  }
  return out
}

/** Occurrences inside [startMs, endMs]: the timed-count buckets that overlap it, or the whole count without them. */
export function countInWindow(group: CachedErrorGroup, startMs: number, endMs: number): number {
  if (!group.timed) return group.count
  return group.timed.reduce((sum, [s, e, n]) => (e > startMs && s <= endMs ? sum + n : sum), 0)
}

export async function fetchErrorEvents(
  clients: GcpClients,
  call: CallApi,
  params: Record<string, string | number>,
  limit: number,
  maxPages: number,
): Promise<CachedErrorEvent[]> {
  const out: CachedErrorEvent[] = []
  let pageToken: string | undefined
  for (let page = 0; page < maxPages && out.length < limit; page++) {
    const pageParams = pageToken ? { ...params, pageToken } : params
    const raw = await call((timeout) => clients.errorReporting.events(clients.projectId, pageParams, timeout), `events.list for group "${params.groupId}"`)
    const response = parseResponse('error_reporting', 'events.list', listEventsResponseSchema, raw)
    for (const e of response.errorEvents ?? []) out.push({ atMs: Date.parse(e.eventTime), message: redactSecrets(e.message ?? '').slice(0, 4_000) })
    pageToken = response.nextPageToken || undefined
    if (!pageToken) break
  }
  return out.slice(0, limit)
}
