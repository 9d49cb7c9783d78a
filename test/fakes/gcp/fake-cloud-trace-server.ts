import { FakeApiControls } from './fake-api-controls'
import { FakeRestServer, invalidArgument, nextPageToken, pageOffset, RestProblem } from './fake-rest-server'

export interface FakeSpan {
  spanId: string
  name: string
  startMs: number
  endMs: number
  parentSpanId?: string
  labels?: Record<string, string>
  /** v1 span kind; by default RPC_SERVER for a root and RPC_CLIENT under a parent. */
  kind?: 'RPC_SERVER' | 'RPC_CLIENT' | 'SPAN_KIND_UNSPECIFIED'
}

export interface FakeTrace {
  traceId: string
  spans: FakeSpan[]
}

/**
 * Cloud Trace v1 over REST: projects.traces.list (time range on the root span's start, the
 * v1 filter terms root:/span:/latency:/KEY:VALUE with `+` for exact, orderBy, the MINIMAL /
 * ROOTSPAN / COMPLETE views, 100 traces per page at most in COMPLETE) and projects.traces.get.
 * ListTraces costs 25 quota units and GetTrace 1, as the real quota counts them.
 */
export class FakeCloudTraceServer {
  traces: FakeTrace[] = []

  private constructor(
    readonly rest: FakeRestServer,
    readonly controls: FakeApiControls,
  ) {}

  get url(): string {
    return this.rest.url
  }

  static async start(expectedToken: string): Promise<FakeCloudTraceServer> {
    const holder: { fake?: FakeCloudTraceServer } = {}
    const controls = new FakeApiControls('cloudtrace.googleapis.com')
    controls.costs = { ListTraces: 25, GetTrace: 1 }
    const rest = await FakeRestServer.start(controls, expectedToken, [
      { method: 'GetTrace', pattern: /^\/v1\/projects\/([^/]+)\/traces\/([^/]+)$/, handle: (m) => ({ status: 200, body: holder.fake!.get(m[1]!, m[2]!) }) },
      { method: 'ListTraces', pattern: /^\/v1\/projects\/([^/]+)\/traces$/, handle: (m, q) => ({ status: 200, body: holder.fake!.list(m[1]!, q) }) },
    ])
    holder.fake = new FakeCloudTraceServer(rest, controls)
    return holder.fake
  }

  private get(projectId: string, traceId: string): unknown {
    const trace = this.traces.find((t) => t.traceId === traceId)
    if (!trace) throw new RestProblem({ status: 'NOT_FOUND', message: `Trace ${traceId} not found.` })
    return toJson(projectId, trace, 'COMPLETE')
  }

  private list(projectId: string, q: URLSearchParams): unknown {
    const view = q.get('view') ?? 'MINIMAL'
    if (!['MINIMAL', 'ROOTSPAN', 'COMPLETE'].includes(view)) throw invalidArgument(`Invalid value at 'view' (${view})`)
    const pageSize = q.get('pageSize') === null ? 100 : Number(q.get('pageSize'))
    if (!Number.isInteger(pageSize) || pageSize < 0 || (view === 'COMPLETE' && pageSize > 100) || pageSize > 1000)
      throw invalidArgument(`Invalid page size ${q.get('pageSize')} for view ${view}`)
    const startMs = timeParam(q, 'startTime')
    const endMs = timeParam(q, 'endTime')
    const terms = parseTraceFilter(q.get('filter') ?? '')
    const orderBy = q.get('orderBy') ?? ''
    const order = /^(trace_id|name|duration|start)( desc)?$/.exec(orderBy)
    if (orderBy !== '' && !order) throw invalidArgument(`Invalid order_by "${orderBy}"`)
    const matching = this.traces.filter((t) => {
      const root = rootOf(t)
      if (!root) return false
      if (startMs !== null && root.startMs < startMs) return false
      if (endMs !== null && root.startMs > endMs) return false
      return terms.every((term) => term(t))
    })
    if (order) {
      const key = (t: FakeTrace): number | string => {
        const root = rootOf(t)!
        return order[1] === 'duration' ? root.endMs - root.startMs : order[1] === 'start' ? root.startMs : order[1] === 'name' ? root.name : t.traceId
      }
      matching.sort((a, b) => {
        const [x, y] = [key(a), key(b)]
        const cmp = x < y ? -1 : x > y ? 1 : 0
        return order[2] ? -cmp : cmp
      })
    }
    const size = pageSize === 0 ? 100 : pageSize
    const offset = pageOffset(q)
    const next = nextPageToken(q, offset + size, matching.length)
    return { traces: matching.slice(offset, offset + size).map((t) => toJson(projectId, t, view)), ...(next ? { nextPageToken: next } : {}) }
  }

  async close(): Promise<void> {
    await this.rest.close()
  }
}

function rootOf(t: FakeTrace): FakeSpan | undefined {
  return t.spans.find((s) => !s.parentSpanId || !t.spans.some((p) => p.spanId === s.parentSpanId))
}

function timeParam(q: URLSearchParams, name: string): number | null {
  const raw = q.get(name)
  if (raw === null) return null
  const ms = Date.parse(raw)
  if (!Number.isFinite(ms)) throw invalidArgument(`Invalid value at '${name}' (${raw})`)
  return ms
}

/** Cloud Trace v1 filter terms, ANDed; https://cloud.google.com/trace/docs/trace-filters */
function parseTraceFilter(filter: string): Array<(t: FakeTrace) => boolean> {
  const terms = filter.trim() === '' ? [] : filter.trim().split(/\s+/)
  return terms.map((term) => {
    if (!/^\+?[A-Za-z0-9_./-]*:?[A-Za-z0-9_./ -]*$/.test(term)) throw invalidArgument(`Invalid filter term "${term}"`)
    const exact = term.startsWith('+')
    const body = exact ? term.slice(1) : term
    const colon = body.indexOf(':')
    const [key, value] = colon === -1 ? ['root', body] : [body.slice(0, colon), body.slice(colon + 1)]
    const matches = (actual: string | undefined) => actual !== undefined && (exact ? actual === value : actual.startsWith(value))
    if (key === 'latency') {
      const m = /^(\d+(?:\.\d+)?)(ns|ms|s)?$/.exec(value)
      if (!m) throw invalidArgument(`Invalid latency "${value}"`)
      const ms = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'ns' ? 1e-6 : 1)
      return (t) => {
        const root = rootOf(t)!
        return root.endMs - root.startMs >= ms
      }
    }
    if (key === 'root') return (t) => matches(rootOf(t)?.name)
    if (key === 'span') return (t) => t.spans.some((s) => matches(s.name))
    if (key === '') throw invalidArgument(`Invalid filter term "${term}"`)
    return (t) => t.spans.some((s) => matches(s.labels?.[key]))
  })
}

function toJson(projectId: string, t: FakeTrace, view: string): unknown {
  const spans = view === 'COMPLETE' ? t.spans : view === 'ROOTSPAN' ? [rootOf(t)!] : []
  return {
    projectId,
    traceId: t.traceId,
    ...(view === 'MINIMAL'
      ? {}
      : {
          spans: spans.map((s) => ({
            spanId: s.spanId,
            kind: s.kind ?? (s.parentSpanId ? 'RPC_CLIENT' : 'RPC_SERVER'),
            name: s.name,
            startTime: new Date(s.startMs).toISOString(),
            endTime: new Date(s.endMs).toISOString(),
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            labels: s.labels ?? {},
          })),
        }),
  }
}
