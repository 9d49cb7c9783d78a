import { createHash } from 'node:crypto'
import type { MetricKind } from '../../../src/core/telemetry/port'
import { isRatioMapping } from '../../../src/integrations/gcp/metric-mappings'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { SYNTHETIC_FLEET, type SyntheticTelemetry } from '../../../src/integrations/telemetry/synthetic'
import type { FakeGcp } from './fake-gcp'
import type { FakeSeries } from './fake-monitoring-server'
import type { FakeTrace } from './fake-cloud-trace-server'

const MINUTE = 60_000

/** The synthetic shop as it would be described to the agent in production: GKE containers, a Cloud SQL database, a Pub/Sub subscription. */
export function syntheticFleetCatalog(projectId: string): ServiceCatalog {
  const services: Record<string, unknown> = {}
  for (const s of SYNTHETIC_FLEET) {
    const resource =
      s.resourceType === 'cloudsql_database'
        ? { type: 'cloudsql_database', labels: { database_id: `${projectId}:${s.name}` } }
        : s.resourceType === 'pubsub_topic'
          ? { type: 'pubsub_subscription', labels: { subscription_id: s.labels.subscription_id ?? s.name } }
          : { type: 'k8s_container', labels: { container_name: s.name, namespace_name: s.labels.namespace ?? 'default' } }
    const metrics =
      s.resourceType === 'cloudsql_database'
        ? {
            db_connections_used_ratio: {
              metricType: 'cloudsql.googleapis.com/database/postgresql/num_backends',
              perSeriesAligner: 'ALIGN_MEAN',
              crossSeriesReducer: 'REDUCE_SUM',
              scale: 1 / Number(s.labels.max_connections ?? 100),
            },
          }
        : {}
    services[s.name] = { resource, dependsOn: s.calls.map((c) => c.to), metrics }
  }
  return ServiceCatalog.parse({ services }, projectId, 'synthetic fleet catalog')
}

/**
 * Serves a synthetic fleet through the four fakes in the shape the real APIs have: metric
 * samples per minute under the metric types the catalog maps, log entries on the services'
 * monitored resources, Error Reporting events from the ERROR lines, and traces.
 */
export async function serveSyntheticFleet(fake: FakeGcp, fleet: SyntheticTelemetry, catalog: ServiceCatalog, now: number): Promise<void> {
  const synthetic = memoized(fleet)
  const series: FakeSeries[] = []
  const byResource = new Map<string, string>()
  for (const s of SYNTHETIC_FLEET) {
    const resolved = catalog.resolve(s.name)
    byResource.set(resourceKey(resolved.resource.labels), s.name)
    const exported = new Set(synthetic.exportedMetrics(s.name))
    const covered = new Set<string>()
    const sample = async (kind: MetricKind, fromMs: number, toMs: number) =>
      exported.has(kind)
        ? (await synthetic.metrics({ service: s.name, metric: kind, start: new Date(fromMs + 1), end: new Date(toMs), stepSeconds: 60 })).points
        : []
    const kinds = [...exported].sort((a, b) => Number(b === 'error_rate') - Number(a === 'error_rate'))
    for (const kind of kinds) {
      const mapping = resolved.metrics[kind]
      if (!mapping) continue
      if (isRatioMapping(mapping)) {
        // Requests per minute split by response class, so errors over all is the synthetic error rate.
        for (const [cls, errors] of [
          ['5xx', true],
          ['2xx', false],
        ] as const) {
          series.push(
            seriesOf(mapping.numerator.metricType, resolved.resource, { ...mapping.numerator.metricLabels, response_code_class: cls }, async (fromMs, toMs) => {
              const [rates, errorRates] = await Promise.all([sample('request_rate', fromMs, toMs), sample('error_rate', fromMs, toMs)])
              const errorRateAt = new Map(errorRates.map((p) => [p.at.getTime(), p.value]))
              return rates.map((p) => {
                const e = errorRateAt.get(p.at.getTime()) ?? 0
                return { atMs: p.at.getTime(), value: p.value * 60 * (errors ? e : 1 - e) }
              })
            }),
          )
        }
        covered.add(mapping.denominator.metricType)
        continue
      }
      if (covered.has(mapping.metricType)) continue
      series.push(
        seriesOf(mapping.metricType, resolved.resource, mapping.metricLabels, async (fromMs, toMs) =>
          (await sample(kind, fromMs, toMs)).map((p) => ({ atMs: p.at.getTime(), value: p.value / mapping.scale })),
        ),
      )
    }
  }
  fake.monitoring.series = series

  fake.logging.source = async ({ equalities, startMs, endMs }) => {
    const labels = Object.fromEntries(
      Object.entries(equalities)
        .filter(([k]) => k.startsWith('resource.labels.'))
        .map(([k, v]) => [k.slice('resource.labels.'.length), v]),
    )
    const service = byResource.get(resourceKey(labels))
    if (!service) return []
    const resource = catalog.resolve(service).resource
    const lines = await synthetic.logs({ service, start: new Date(startMs ?? now - 60 * MINUTE), end: new Date(Math.min(endMs ?? now, now)), limit: 5_000 })
    return lines.map((l) => ({
      logName: `projects/p/logs/${service}`,
      resource,
      timestampMs: l.at.getTime(),
      severity: l.severity,
      textPayload: l.message,
      ...(l.traceId ? { traceId: l.traceId } : {}),
    }))
  }

  fake.errorReporting.now = () => now
  fake.errorReporting.source = async (service, fromMs, toMs) => {
    if (service === null || !SYNTHETIC_FLEET.some((s) => s.name === service)) return []
    const errors = await synthetic.logs({
      service,
      start: new Date(Math.max(fromMs, toMs - 60 * MINUTE)),
      end: new Date(toMs),
      minSeverity: 'ERROR',
      limit: 2_000,
    })
    return errors.map((e) => ({ groupId: groupIdOf(service, e.message), service, atMs: e.at.getTime(), message: e.message }))
  }

  const traces = new Map<string, FakeTrace>()
  for (const s of SYNTHETIC_FLEET) {
    for (const t of await synthetic.traces({ service: s.name, start: new Date(now - 60 * MINUTE), end: new Date(now), limit: 40 })) {
      const start = t.startedAt.getTime()
      const rootSpan = t.spans.find((sp) => sp.service === t.rootService)
      const trace: FakeTrace = {
        traceId: t.traceId,
        spans: [{ spanId: '1', name: rootSpan?.name ?? 'request', startMs: start, endMs: start + t.latencyMs, labels: { 'service.name': t.rootService } }],
      }
      let offset = 0
      t.spans
        .filter((sp) => sp !== rootSpan)
        .forEach((sp, i) => {
          trace.spans.push({
            spanId: String(i + 2),
            parentSpanId: '1',
            name: sp.name,
            startMs: start + offset,
            endMs: start + offset + sp.latencyMs,
            labels: { 'service.name': sp.service },
          })
          offset = Math.min(offset + sp.latencyMs, t.latencyMs)
        })
      traces.set(t.traceId, trace)
    }
  }
  fake.trace.traces = [...traces.values()]
}

/** The same question is asked of the fleet many times in a storm; compute each answer once, so the fakes stay cheap. */
function memoized(fleet: SyntheticTelemetry): Pick<SyntheticTelemetry, 'metrics' | 'logs' | 'traces' | 'exportedMetrics'> {
  const answers = new Map<string, Promise<unknown>>()
  const once = <T>(kind: string, query: object, compute: () => Promise<T>): Promise<T> => {
    const key = `${kind}:${JSON.stringify(query)}`
    if (!answers.has(key)) answers.set(key, compute())
    return answers.get(key) as Promise<T>
  }
  return {
    exportedMetrics: (service) => fleet.exportedMetrics(service),
    metrics: (q) => once('metrics', q, () => fleet.metrics(q)),
    logs: (q) => once('logs', q, () => fleet.logs(q)),
    traces: (q) => once('traces', q, () => fleet.traces(q)),
  }
}

function resourceKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))
}

function seriesOf(
  metricType: string,
  resource: { type: string; labels: Record<string, string> },
  metricLabels: Record<string, string>,
  points: FakeSeries['points'],
): FakeSeries {
  return { metricType, resourceType: resource.type, resourceLabels: resource.labels, metricLabels, points }
}

function groupIdOf(service: string, message: string): string {
  const shape = message.replace(/\b[0-9a-f]{8,}\b/gi, '<id>').replace(/\d+(\.\d+)*/g, '<n>')
  return createHash('sha256').update(`${service}\u0000${shape}`).digest('hex').slice(0, 16)
}
