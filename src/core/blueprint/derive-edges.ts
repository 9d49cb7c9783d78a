import type { SpanTrace, TraceSpan } from '../telemetry/port'

/** How one service depends on another: a request it waits for, a database it queries, a topic it publishes to or reads. */
export type EdgeKind = 'call' | 'db' | 'messaging'

/** One dependency seen in a sample of traces: `from` calls (depends on) `to`. */
export interface ObservedEdge {
  from: string
  to: string
  kind: EdgeKind
  /** Calls seen in the sample. */
  calls: number
  /** Of those, the calls that failed. */
  errors: number
  /** 95th percentile of the calls' durations, as the caller saw them when it traced the call. */
  p95Ms: number
  firstSeen: Date
  lastSeen: Date
}

/** Attributes that name the other end of a call, most specific first (OpenTelemetry semantic conventions, old and new). */
const PEER_ATTRIBUTES = ['peer.service', 'server.address', 'net.peer.name']
const DB_NAME_ATTRIBUTES = ['db.namespace', 'db.name']
const DESTINATION_ATTRIBUTES = ['messaging.destination.name', 'messaging.destination']

interface Call {
  from: string
  to: string
  kind: EdgeKind
  durationMs: number
  error: boolean
  at: number
}

/**
 * The dependencies that traces show, with their traffic in the sample: a client span whose
 * child runs in another service is a call to it; a client span with `db.*` attributes and no
 * traced server is a query to the database it names; a producer or consumer span is an edge to
 * the topic it names (producer → consumer when it names none). A server span under another
 * service's span that is not a client span (instrumentation without client spans) is a call
 * too. Pure; edges to the caller's own service are dropped.
 */
export function deriveEdges(traces: readonly SpanTrace[]): ObservedEdge[] {
  const calls: Call[] = []
  for (const trace of traces) calls.push(...callsInTrace(trace))
  const byKey = new Map<string, Call[]>()
  for (const c of calls) {
    const key = edgeKey(c.from, c.to)
    byKey.set(key, [...(byKey.get(key) ?? []), c])
  }
  const edges: ObservedEdge[] = []
  for (const list of byKey.values()) {
    const first = list[0]!
    edges.push({
      from: first.from,
      to: first.to,
      kind: dominantKind(list),
      calls: list.length,
      errors: list.filter((c) => c.error).length,
      p95Ms: percentile(
        list.map((c) => c.durationMs),
        0.95,
      ),
      firstSeen: new Date(Math.min(...list.map((c) => c.at))),
      lastSeen: new Date(Math.max(...list.map((c) => c.at))),
    })
  }
  return edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
}

/** The one key of an edge between two services, whatever its kind. */
export function edgeKey(from: string, to: string): string {
  return JSON.stringify([from, to])
}

function callsInTrace(trace: SpanTrace): Call[] {
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]))
  const children = new Map<string, TraceSpan[]>()
  for (const s of trace.spans) if (s.parentSpanId && byId.has(s.parentSpanId)) children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s])
  const out: Call[] = []
  const push = (rawFrom: string, rawTo: string | null, kind: EdgeKind, span: TraceSpan, error = span.error) => {
    const from = cleanServiceName(rawFrom)
    const to = rawTo === null ? null : cleanServiceName(rawTo)
    if (from && to && to !== from) out.push({ from, to, kind, durationMs: span.durationMs, error, at: span.startedAt.getTime() })
  }
  for (const s of trace.spans) {
    const crossing = (children.get(s.spanId) ?? []).filter((c) => c.service !== s.service)
    if (s.kind === 'producer' || s.kind === 'consumer') {
      const topic = firstAttribute(s, DESTINATION_ATTRIBUTES) ?? firstAttribute(s, PEER_ATTRIBUTES)
      if (topic) push(s.service, topic, 'messaging', s)
      else if (s.kind === 'producer') for (const c of crossing) if (c.kind === 'consumer') push(s.service, c.service, 'messaging', s, s.error || c.error)
    } else if (s.kind === 'client') {
      const servers = crossing.filter((c) => c.kind !== 'consumer')
      if (servers.length > 0) for (const c of servers) push(s.service, c.service, isDatabaseSpan(s) ? 'db' : 'call', s, s.error || c.error)
      else if (isDatabaseSpan(s)) push(s.service, firstAttribute(s, PEER_ATTRIBUTES) ?? firstAttribute(s, DB_NAME_ATTRIBUTES), 'db', s)
      else push(s.service, firstAttribute(s, PEER_ATTRIBUTES), 'call', s)
    }
    // A request entering a service straight under another service's own span: no client span traced the call.
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined
    if (parent && parent.service !== s.service && parent.kind !== 'client' && parent.kind !== 'producer' && s.kind !== 'consumer') {
      push(parent.service, s.service, 'call', s)
    }
  }
  return out
}

const MAX_NAME_CHARS = 200

/** Names come from whatever the spans say: no control characters (Postgres refuses NUL), no surrounding space, bounded. */
function cleanServiceName(name: string): string {
  return name
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, MAX_NAME_CHARS)
}

function isDatabaseSpan(span: TraceSpan): boolean {
  return Object.keys(span.attributes).some((k) => k.startsWith('db.'))
}

function firstAttribute(span: TraceSpan, names: readonly string[]): string | null {
  for (const n of names) {
    const v = span.attributes[n]?.trim()
    if (v) return v
  }
  return null
}

/** A database reached through a traced proxy is still a database: the most specific kind seen wins. */
function dominantKind(calls: readonly Call[]): EdgeKind {
  if (calls.some((c) => c.kind === 'db')) return 'db'
  if (calls.some((c) => c.kind === 'messaging')) return 'messaging'
  return 'call'
}

/** Nearest-rank percentile; 0 for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}
