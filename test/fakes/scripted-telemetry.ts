import type { ErrorGroupStats, LogEntry, MetricKind, MetricSeries, TelemetryPort, TraceSummary } from '../../src/core/telemetry/port'
import { TelemetryQueryError } from '../../src/core/telemetry/port'

export interface ScriptedService {
  dependsOn?: string[]
  /** Value of a metric at a time; metrics not listed are unknown to the provider. */
  metrics: Partial<Record<MetricKind, (at: Date) => number>>
  logs?: (window: { start: Date; end: Date }) => LogEntry[]
  errors?: ErrorGroupStats[]
  traces?: TraceSummary[]
}

const UNITS: Partial<Record<MetricKind, string>> = { latency_p95_ms: 'ms', request_rate: 'req/s' }

/** A small, fully scripted telemetry source for tests: what the analysis sees is exactly what the test says. */
export class ScriptedTelemetry implements TelemetryPort {
  readonly name = 'scripted'
  calls = 0
  constructor(private readonly fleet: Record<string, ScriptedService>) {}

  private service(name: string): ScriptedService {
    const s = this.fleet[name]
    if (!s) throw new TelemetryQueryError(`unknown service "${name}"`)
    return s
  }

  async metrics(q: { service: string; metric: MetricKind; start: Date; end: Date; stepSeconds?: number }): Promise<MetricSeries> {
    this.calls++
    const fn = this.service(q.service).metrics[q.metric]
    if (!fn) throw new TelemetryQueryError(`metric "${q.metric}" is not exported by ${q.service}`)
    const step = (q.stepSeconds ?? 60) * 1000
    const points = []
    for (let t = q.start.getTime(); t <= q.end.getTime(); t += step) points.push({ at: new Date(t), value: fn(new Date(t)) })
    return { service: q.service, metric: q.metric, unit: UNITS[q.metric] ?? 'ratio', points }
  }

  async logs(q: { service: string; start: Date; end: Date; contains?: string; minSeverity?: string; limit?: number }): Promise<LogEntry[]> {
    this.calls++
    const rank = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']
    return (this.service(q.service).logs?.(q) ?? [])
      .filter((l) => l.at >= q.start && l.at <= q.end)
      .filter((l) => !q.contains || l.message.toLowerCase().includes(q.contains.toLowerCase()))
      .filter((l) => !q.minSeverity || rank.indexOf(l.severity) >= rank.indexOf(q.minSeverity))
      .slice(0, q.limit ?? 1000)
  }

  async errors(q: { service: string }): Promise<ErrorGroupStats[]> {
    this.calls++
    return this.service(q.service).errors ?? []
  }

  async traces(q: { service: string }): Promise<TraceSummary[]> {
    this.calls++
    return this.service(q.service).traces ?? []
  }

  async services() {
    return Object.entries(this.fleet).map(([name, s]) => ({ name, dependsOn: s.dependsOn ?? [] }))
  }
}

/** orders-db saturated since `since`, with its caller logging connection timeouts. */
export function ordersDbExhaustion(since: Date): ScriptedTelemetry {
  const after = (at: Date) => at >= since
  return new ScriptedTelemetry({
    'orders-api': {
      dependsOn: ['orders-db'],
      metrics: { latency_p95_ms: (at) => (after(at) ? 2600 : 180), error_rate: (at) => (after(at) ? 0.08 : 0.002) },
      logs: (w) =>
        Array.from({ length: 12 }, (_, i) => ({
          at: new Date(Math.max(since.getTime(), w.start.getTime()) + i * 30_000),
          service: 'orders-api',
          severity: 'ERROR' as const,
          message: `timeout acquiring connection from pool after 5000ms (request ${1000 + i})`,
        })),
    },
    'orders-db': {
      metrics: { db_connections_used_ratio: (at) => (after(at) ? 0.99 : 0.35), latency_p95_ms: (at) => (after(at) ? 900 : 20) },
      logs: (w) =>
        Array.from({ length: 6 }, (_, i) => ({
          at: new Date(Math.max(since.getTime(), w.start.getTime()) + i * 45_000),
          service: 'orders-db',
          severity: 'ERROR' as const,
          message: 'FATAL: remaining connection slots are reserved for non-replication superuser connections',
        })),
    },
    'web-api': {
      dependsOn: ['quotes'],
      metrics: { latency_p95_ms: (at) => (after(at) ? 3400 : 250) },
      traces: [
        { traceId: 'abc123', rootService: 'web-api', latencyMs: 3500, startedAt: since, spans: [{ service: 'quotes', name: 'GET /quote', latencyMs: 3200 }] },
      ],
    },
    quotes: { metrics: { latency_p95_ms: (at) => (after(at) ? 3100 : 90) } },
  })
}
