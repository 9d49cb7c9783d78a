import type { TraceSpanSummary, TraceSummary } from '../../../core/telemetry/port'
import type { FleetTopology } from './fleet-topology'
import type { FleetMetricModel } from './metric-model'
import { trafficFactor } from './seasonality'
import { SeededRandom } from './seeded-random'
import { hashString } from './stable-hash'
import { sampledTrace, TRACES_PER_MINUTE } from './trace-sampling'

/** Spread of request latency: log-normal, scaled so that its 95th percentile is 1. */
const TAIL_SIGMA = 0.35

interface Subtree {
  durationMs: number
  spans: TraceSpanSummary[]
}

/**
 * Sampled requests of a service and everything they call, from the same model as the
 * metrics: span times follow each service's p95 and the injections, and a caller stops
 * waiting at its deadline. A span's `latencyMs` is its own time (children excluded), so
 * the slowest span is where the request spent its time.
 */
export class FleetTraceGenerator {
  constructor(
    private readonly seed: number,
    private readonly topology: FleetTopology,
    private readonly model: FleetMetricModel,
  ) {}

  /** The traces sampled for `service` in epoch minute `minute`, with spans slowest first. */
  minute(serviceName: string, minute: number): TraceSummary[] {
    this.topology.getOrThrow(serviceName)
    const serviceHash = hashString(serviceName)
    const traces: TraceSummary[] = []
    for (let k = 0; k < TRACES_PER_MINUTE; k++) {
      const { traceId, startMs } = sampledTrace(this.seed, serviceHash, minute, k)
      const random = new SeededRandom(this.seed, serviceHash, minute, k, 0x7ace)
      const tree = this.request(serviceName, null, startMs, random)
      traces.push({
        traceId,
        rootService: serviceName,
        latencyMs: round1(tree.durationMs),
        startedAt: new Date(startMs),
        spans: tree.spans.map((s) => ({ ...s, latencyMs: round1(s.latencyMs) })).sort((a, b) => b.latencyMs - a.latencyMs),
      })
    }
    return traces
  }

  private request(serviceName: string, spanName: string | null, atMs: number, random: SeededRandom): Subtree {
    const service = this.topology.getOrThrow(serviceName)
    const load = 0.85 + 0.15 * trafficFactor(atMs)
    const effect = this.model.ownEffect(serviceName, atMs)
    const self = service.selfLatencyP95Ms * load * tailSample(random) + effect.latencyExtraMs * random.between(0.7, 1.08)
    const spans: TraceSpanSummary[] = [{ service: serviceName, name: spanName ?? service.spanName, latencyMs: self }]
    let durationMs = self
    for (const wait of effect.waits) {
      if (wait.ms < 1) continue
      // Time queued for a pooled connection is charged to the database it waits for.
      const waited = wait.ms * random.between(0.75, 1.06)
      spans.push({ service: wait.on, name: `acquire connection from pool ${wait.on}`, latencyMs: waited })
      durationMs += waited
    }
    for (const call of this.topology.syncCalls(serviceName)) {
      for (let i = 0; i < call.callsPerRequest; i++) {
        const child = this.request(call.to, call.spanNames?.[i] ?? null, atMs, random)
        const seen = Math.min(child.durationMs, call.timeoutMs)
        const scale = child.durationMs > 0 ? seen / child.durationMs : 1
        for (const span of child.spans) spans.push({ ...span, latencyMs: span.latencyMs * scale })
        durationMs += seen
        // Past the deadline the caller fails the request instead of making the remaining calls.
        if (child.durationMs > call.timeoutMs) return { durationMs, spans }
      }
    }
    return { durationMs, spans }
  }
}

function tailSample(random: SeededRandom): number {
  return Math.exp(TAIL_SIGMA * random.gaussian() - TAIL_SIGMA * 1.645)
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}
