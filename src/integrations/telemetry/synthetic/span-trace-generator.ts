import { MINUTE_MS } from '../../../core/durations'
import type { SpanTrace, TraceSpan } from '../../../core/telemetry/port'
import type { ServiceCall } from './fleet'
import type { FleetTopology } from './fleet-topology'
import { SeededRandom } from './seeded-random'
import { hashInts, hashString } from './stable-hash'

/** Whole traces kept per entry point per minute, like a fixed-rate sampler at the edge of the fleet. */
export const SPAN_TRACES_PER_MINUTE = 2
const TAIL_SIGMA = 0.35

/**
 * Whole traces of the fleet as an OpenTelemetry-instrumented shop would send them: a server
 * span per service a request enters, a client span per call (with `db.*` attributes for SQL, a
 * producer span for a publish), and consumer traces for the subscribers of a topic. A caller
 * makes a call on a share of its requests, the callee's request rate over its callers', so
 * rare edges take longer to show up in a sample.
 */
export class FleetSpanTraceGenerator {
  private readonly callShare = new Map<string, number>()

  constructor(
    private readonly seed: number,
    private readonly topology: FleetTopology,
  ) {
    for (const service of topology.services)
      for (const call of service.calls) if (!call.async) this.callShare.set(callKey(service.name, call), this.shareOf(call.to))
  }

  /** Services that requests enter from outside: called by nobody, or consumers of a topic. */
  entryPoints(): Array<{ service: string; consumes: ServiceCall | null }> {
    const called = new Set(this.topology.services.flatMap((s) => s.calls.filter((c) => !c.async).map((c) => c.to)))
    const entries: Array<{ service: string; consumes: ServiceCall | null }> = []
    for (const s of this.topology.services) {
      if (!called.has(s.name) && s.resourceType === 'k8s_container' && s.calls.some((c) => !c.async)) entries.push({ service: s.name, consumes: null })
      for (const c of s.calls) if (c.async) entries.push({ service: s.name, consumes: c })
    }
    return entries
  }

  /** The traces kept in epoch minute `minute`, every entry point's. */
  minute(minute: number): SpanTrace[] {
    const traces: SpanTrace[] = []
    for (const entry of this.entryPoints()) {
      const entryHash = hashString(`${entry.service}:${entry.consumes?.to ?? ''}`)
      for (let k = 0; k < SPAN_TRACES_PER_MINUTE; k++) {
        const random = new SeededRandom(this.seed, entryHash, minute, k, 0xb1e)
        let traceId = ''
        for (let part = 0; part < 4; part++) traceId += hashInts(this.seed, entryHash, minute, k, part, 0xb1e).toString(16).padStart(8, '0')
        const startMs = minute * MINUTE_MS + (hashInts(this.seed, entryHash, minute, k, 0x5747) % MINUTE_MS)
        const spans: TraceSpan[] = []
        const ids = { next: 1 }
        if (entry.consumes) {
          const span = this.span(spans, ids, null, entry.service, entry.consumes.operation, 'consumer', startMs, {
            'messaging.system': 'gcp_pubsub',
            'messaging.operation': 'receive',
            'peer.service': entry.consumes.to,
          })
          span.durationMs = this.serve(spans, ids, span.spanId, entry.service, startMs, random)
        } else {
          const root = this.span(spans, ids, null, entry.service, this.topology.getOrThrow(entry.service).spanName, 'server', startMs, {})
          root.durationMs = this.serve(spans, ids, root.spanId, entry.service, startMs, random)
        }
        traces.push({ traceId, spans })
      }
    }
    return traces
  }

  /** The work of one request in `service` under span `parentId`: its own time and the calls it makes; returns the total time. */
  private serve(spans: TraceSpan[], ids: { next: number }, parentId: string, service: string, atMs: number, random: SeededRandom): number {
    const own = this.topology.getOrThrow(service)
    let elapsed = own.selfLatencyP95Ms * Math.exp(TAIL_SIGMA * random.gaussian() - TAIL_SIGMA * 1.645)
    for (const call of own.calls) {
      if (call.async || !random.chance(this.callShare.get(callKey(service, call)) ?? 1)) continue
      for (let i = 0; i < call.callsPerRequest; i++) {
        const callee = this.topology.getOrThrow(call.to)
        const at = atMs + elapsed
        const name = call.spanNames?.[i] ?? call.operation
        if (call.protocol === 'sql') {
          const span = this.span(spans, ids, parentId, service, name, 'client', at, {
            'db.system': 'postgresql',
            'db.name': callee.labels.database_id ?? call.to,
            'peer.service': call.to,
          })
          span.durationMs = callee.selfLatencyP95Ms * Math.exp(TAIL_SIGMA * random.gaussian() - TAIL_SIGMA * 1.645)
          span.error = random.chance(callee.baselines.error_rate ?? 0)
          elapsed += span.durationMs
        } else if (call.protocol === 'pubsub') {
          const span = this.span(spans, ids, parentId, service, name, 'producer', at, {
            'messaging.system': 'gcp_pubsub',
            'messaging.operation': 'publish',
            'peer.service': call.to,
          })
          span.durationMs = callee.selfLatencyP95Ms * random.between(0.3, 1)
          elapsed += span.durationMs
        } else {
          const client = this.span(spans, ids, parentId, service, name, 'client', at, { 'peer.service': call.to, 'rpc.system': call.protocol })
          const server = this.span(spans, ids, client.spanId, call.to, callee.spanName, 'server', at + 1, {})
          server.durationMs = this.serve(spans, ids, server.spanId, call.to, at + 1, random)
          server.error = random.chance(callee.baselines.error_rate ?? 0)
          client.error = server.error
          client.durationMs = Math.min(call.timeoutMs, server.durationMs + 2)
          elapsed += client.durationMs
        }
      }
    }
    return Math.round(elapsed * 10) / 10
  }

  private span(
    spans: TraceSpan[],
    ids: { next: number },
    parentSpanId: string | null,
    service: string,
    name: string,
    kind: TraceSpan['kind'],
    atMs: number,
    attributes: Record<string, string>,
  ): TraceSpan {
    const span: TraceSpan = {
      spanId: String(ids.next++),
      parentSpanId,
      service,
      name,
      kind,
      startedAt: new Date(Math.round(atMs)),
      durationMs: 0,
      error: false,
      attributes,
    }
    spans.push(span)
    return span
  }

  /** Share of a caller's requests that call `to`: its request rate over its callers' calls to it, at most every request. */
  private shareOf(to: string): number {
    const rate = this.topology.getOrThrow(to).baselines.request_rate
    if (rate === undefined) return 1
    let offered = 0
    for (const s of this.topology.services) for (const c of s.calls) if (c.to === to && !c.async) offered += (s.baselines.request_rate ?? 0) * c.callsPerRequest
    return offered > 0 ? Math.min(1, rate / offered) : 1
  }
}

function callKey(service: string, call: ServiceCall): string {
  return `${service}\u0000${call.to}\u0000${call.operation}`
}
