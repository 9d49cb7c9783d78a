import type { z } from 'zod'
import type { SpanKind, SpanTrace } from '../../core/telemetry/port'
import type { CallApi } from './api-call-gate'
import { LIST_TRACES_UNITS, listTracesResponseSchema as listResponseSchema, MAX_COMPLETE_PAGE, type spanSchema } from './cloud-trace-traces'
import type { GcpClients } from './gcp-clients'
import { redactSecrets } from './redact-secrets'
import { parseResponse, rfc3339Micros } from './response-fields'

/** The attributes the blueprint reads; the rest (URLs, user data) is not kept. */
const KEPT_ATTRIBUTE = /^(db|messaging|peer|server|net|rpc)\./

/** A span as the response cache stores it (numbers, not Dates). */
export interface CachedSpan {
  spanId: string
  parentSpanId: string | null
  service: string
  name: string
  kind: SpanKind
  startedAtMs: number
  durationMs: number
  error: boolean
  attributes: Record<string, string>
}

export interface CachedSpanTrace {
  traceId: string
  spans: CachedSpan[]
}

export interface SpanTraceListRequest {
  projectId: string
  startTime: string
  endTime: string
  pageSize: number
  view: 'COMPLETE'
}

/** Whole traces of every service started in the window, page by page (25 Trace units each) until `limit`. */
export async function fetchSpanTraces(
  clients: GcpClients,
  call: CallApi,
  request: SpanTraceListRequest,
  limit: number,
  serviceLabel: string,
  maxPages: number,
): Promise<CachedSpanTrace[]> {
  const out: CachedSpanTrace[] = []
  let pageToken: string | undefined
  for (let page = 0; page < maxPages && out.length < limit; page++) {
    const params = { ...request, pageSize: Math.min(MAX_COMPLETE_PAGE, request.pageSize), ...(pageToken ? { pageToken } : {}) }
    const res = await call(
      (timeout) => clients.trace.projects.traces.list(params, { retry: false, timeout }),
      `traces.list (blueprint sample) ${request.startTime}…${request.endTime}`,
      LIST_TRACES_UNITS,
    )
    const response = parseResponse('trace', 'traces.list', listResponseSchema, res.data)
    for (const trace of response.traces ?? []) {
      const spans = toSpans(trace.spans ?? [], serviceLabel)
      if (spans.length > 0 && out.length < limit) out.push({ traceId: trace.traceId, spans })
    }
    pageToken = response.nextPageToken || undefined
    if (!pageToken) break
  }
  return out
}

/** The service of each span (its own label, else its parent's), its kind and whether it failed. */
function toSpans(spans: ReadonlyArray<z.infer<typeof spanSchema>>, serviceLabel: string): CachedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]))
  const serviceOf = (s: z.infer<typeof spanSchema>, depth = 0): string => {
    const own = s.labels?.[serviceLabel]
    if (own) return own
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined
    return parent && depth < 64 ? serviceOf(parent, depth + 1) : 'unknown'
  }
  return spans.map((s) => {
    const labels = s.labels ?? {}
    const startUs = rfc3339Micros(s.startTime)
    return {
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      service: serviceOf(s),
      name: redactSecrets(s.name ?? '(unnamed span)').slice(0, 200),
      kind: spanKind(s.kind, labels),
      startedAtMs: Math.floor(startUs / 1000),
      durationMs: Math.max(0, rfc3339Micros(s.endTime) - startUs) / 1000,
      error: failed(labels),
      attributes: Object.fromEntries(Object.entries(labels).filter(([k]) => KEPT_ATTRIBUTE.test(k))),
    }
  })
}

/** v1 spans say RPC_CLIENT / RPC_SERVER; producers and consumers show only in their messaging attributes. */
function spanKind(kind: string | null | undefined, labels: Record<string, string>): SpanKind {
  const said = (labels['span.kind'] ?? labels['/span.kind'] ?? '').toLowerCase()
  if (said === 'producer' || said === 'consumer' || said === 'client' || said === 'server') return said
  const operation = (labels['messaging.operation'] ?? labels['messaging.operation.type'] ?? '').toLowerCase()
  if (['publish', 'send', 'create'].includes(operation)) return 'producer'
  if (['receive', 'process', 'deliver'].includes(operation)) return 'consumer'
  if (kind === 'RPC_CLIENT') return 'client'
  if (kind === 'RPC_SERVER') return 'server'
  return 'internal'
}

function failed(labels: Record<string, string>): boolean {
  const status = Number(labels['/http/status_code'] ?? labels['http.status_code'] ?? labels['http.response.status_code'])
  if (Number.isFinite(status) && status >= 500) return true
  if ((labels['otel.status_code'] ?? '').toUpperCase() === 'ERROR') return true
  return labels.error === 'true' || labels['/error/name'] !== undefined || labels['/error/message'] !== undefined
}

export function toSpanTrace(t: CachedSpanTrace): SpanTrace {
  return {
    traceId: t.traceId,
    spans: t.spans.map(({ startedAtMs, ...s }) => ({ ...s, attributes: { ...s.attributes }, startedAt: new Date(startedAtMs) })),
  }
}
