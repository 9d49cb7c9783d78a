import { z } from 'zod'
import type { TraceSpanSummary } from '../../core/telemetry/port'
import type { CallApi } from './api-call-gate'
import type { GcpClients } from './gcp-clients'
import { redactSecrets } from './redact-secrets'
import { parseResponse, rfc3339Micros, rfc3339Schema } from './response-fields'

const MAX_SPANS = 20
/** Cloud Trace meters reads in units: a ListTraces costs 25, a GetTrace 1 (300 units a minute by default). */
export const LIST_TRACES_UNITS = 25
/** ListTraces answers at most 100 traces per page in the COMPLETE view. */
export const MAX_COMPLETE_PAGE = 100

/** A span as the v1 API returns it (`kind` is read by the blueprint; the trace summary ignores it). */
export const spanSchema = z.object({
  spanId: z.union([z.string().min(1), z.number()]).transform(String),
  kind: z.string().nullish(),
  name: z.string().nullish(),
  startTime: rfc3339Schema,
  endTime: rfc3339Schema,
  parentSpanId: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v === null || v === undefined || v === '' || v === '0' || v === 0 ? null : String(v))),
  labels: z.record(z.string(), z.string()).nullish(),
})
const traceSchema = z.object({ traceId: z.string().min(1), spans: z.array(spanSchema).nullish() })
export const listTracesResponseSchema = z.object({ traces: z.array(traceSchema).nullish(), nextPageToken: z.string().nullish() })

export interface CachedTrace {
  traceId: string
  rootService: string
  latencyMs: number
  startedAtMs: number
  spans: TraceSpanSummary[]
}

export interface TraceListRequest {
  projectId: string
  startTime: string
  endTime: string
  filter: string
  orderBy: 'duration desc'
  pageSize: number
  view: 'COMPLETE'
}

/** Cloud Trace v1 filter: traces with a span labelled with the service, at least as slow as asked. */
export function buildTraceFilter(serviceLabel: string, service: string, minLatencyMs: number | undefined): string {
  const terms = [`+${serviceLabel}:${service}`]
  if (minLatencyMs !== undefined && minLatencyMs > 0) terms.push(`latency:${Math.floor(minLatencyMs)}ms`)
  return terms.join(' ')
}

export async function fetchTraces(
  clients: GcpClients,
  call: CallApi,
  request: TraceListRequest,
  limit: number,
  serviceLabel: string,
  queriedService: string,
  maxPages: number,
): Promise<CachedTrace[]> {
  const out: CachedTrace[] = []
  let pageToken: string | undefined
  for (let page = 0; page < maxPages && out.length < limit; page++) {
    const params = pageToken ? { ...request, pageToken } : request
    const res = await call(
      (timeout) => clients.trace.projects.traces.list(params, { retry: false, timeout }),
      `traces.list filter ${request.filter}`,
      LIST_TRACES_UNITS,
    )
    const response = parseResponse('trace', 'traces.list', listTracesResponseSchema, res.data)
    for (const trace of response.traces ?? []) {
      const summary = summarizeTrace(trace, serviceLabel, queriedService)
      if (summary) out.push(summary)
    }
    pageToken = response.nextPageToken || undefined
    if (!pageToken) break
  }
  return out
}

export async function fetchTrace(
  clients: GcpClients,
  call: CallApi,
  traceId: string,
  serviceLabel: string,
  fallbackService: string,
): Promise<CachedTrace | null> {
  const res = await call(async (timeout) => {
    try {
      return await clients.trace.projects.traces.get({ projectId: clients.projectId, traceId }, { retry: false, timeout })
    } catch (err) {
      // Most requests are not sampled: a trace id from a log line that Trace never kept is an answer, not a failure.
      if ((err as { response?: { status?: unknown } })?.response?.status === 404) return null
      throw err
    }
  }, `traces.get ${traceId}`)
  return res === null ? null : summarizeTrace(parseResponse('trace', 'traces.get', traceSchema, res.data), serviceLabel, fallbackService)
}

/**
 * Latency of the trace (its roots, end to end), the service of each span (its own label, else
 * its parent's), and each span's own time: its duration less its children's, slowest first.
 */
export function summarizeTrace(trace: z.infer<typeof traceSchema>, serviceLabel: string, fallbackService: string): CachedTrace | null {
  const spans = trace.spans ?? []
  if (spans.length === 0) return null
  const byId = new Map(spans.map((s) => [s.spanId, s]))
  const children = new Map<string, typeof spans>()
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId)) children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s])
  }
  const roots = spans.filter((s) => !s.parentSpanId || !byId.has(s.parentSpanId))
  if (roots.length === 0) return null
  const startUs = Math.min(...roots.map((s) => rfc3339Micros(s.startTime)))
  const endUs = Math.max(...roots.map((s) => rfc3339Micros(s.endTime)))
  const durationUs = (s: (typeof spans)[number]) => Math.max(0, rfc3339Micros(s.endTime) - rfc3339Micros(s.startTime))
  const serviceOf = new Map<string, string>()
  const rootService = roots[0]!.labels?.[serviceLabel] ?? fallbackService
  const visit = (s: (typeof spans)[number], inherited: string) => {
    const service = s.labels?.[serviceLabel] ?? inherited
    serviceOf.set(s.spanId, service)
    for (const c of children.get(s.spanId) ?? []) visit(c, service)
  }
  for (const r of roots) visit(r, r.labels?.[serviceLabel] ?? rootService)
  const summaries = spans.map((s) => {
    const own = durationUs(s) - (children.get(s.spanId) ?? []).reduce((sum, c) => sum + durationUs(c), 0)
    return {
      service: serviceOf.get(s.spanId) ?? rootService,
      name: redactSecrets(s.name ?? '(unnamed span)').slice(0, 200),
      latencyMs: Math.max(0, own) / 1000,
    }
  })
  summaries.sort((a, b) => b.latencyMs - a.latencyMs)
  return {
    traceId: trace.traceId,
    rootService,
    latencyMs: (endUs - startUs) / 1000,
    startedAtMs: Math.floor(startUs / 1000),
    spans: summaries.slice(0, MAX_SPANS),
  }
}
