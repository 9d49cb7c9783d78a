import type { FakeAlertPolicy, FakeSeries } from './fake-monitoring-server'
import type { FakeLogEntry } from './fake-logging-server'
import type { FakeSpan, FakeTrace } from './fake-cloud-trace-server'

/** A series sampled every `stepMs` (aligned to the epoch), its value a function of time. */
export function buildSeries(overrides: Partial<Omit<FakeSeries, 'points'>> & { valueAt?: (ms: number) => number; stepMs?: number } = {}): FakeSeries {
  const stepMs = overrides.stepMs ?? 60_000
  const valueAt = overrides.valueAt ?? (() => 1)
  return {
    metricType: overrides.metricType ?? 'istio.io/service/server/response_latencies',
    resourceType: overrides.resourceType ?? 'k8s_container',
    resourceLabels: overrides.resourceLabels ?? { container_name: 'payment-api' },
    metricLabels: overrides.metricLabels ?? {},
    points(fromMs, toMs) {
      const out = []
      for (let t = Math.floor(fromMs / stepMs) * stepMs + stepMs; t <= toMs; t += stepMs) out.push({ atMs: t, value: valueAt(t) })
      return out
    },
  }
}

export function buildLogEntry(overrides: Partial<FakeLogEntry> = {}): FakeLogEntry {
  return {
    logName: 'projects/shop-prod/logs/stdout',
    resource: { type: 'k8s_container', labels: { container_name: 'payment-api' } },
    timestampMs: Date.parse('2026-05-14T10:00:00Z'),
    severity: 'ERROR',
    ...(overrides.jsonPayload ? {} : { textPayload: 'upstream request timeout' }),
    ...overrides,
  }
}

/** A trace of one root span and the children given (offsets in ms from `startMs`). */
export function buildTrace(
  traceId: string,
  startMs: number,
  root: { service: string; name: string; ms: number },
  children: Array<{ service: string; name: string; from: number; to: number }> = [],
): FakeTrace {
  const spans: FakeSpan[] = [{ spanId: '1', name: root.name, startMs, endMs: startMs + root.ms, labels: { 'service.name': root.service } }]
  children.forEach((c, i) => {
    spans.push({
      spanId: String(i + 2),
      parentSpanId: '1',
      name: c.name,
      startMs: startMs + c.from,
      endMs: startMs + c.to,
      labels: { 'service.name': c.service },
    })
  })
  return { traceId, spans }
}

/** An alert policy with one threshold condition on payment-api's p95 latency, in the proto's JSON form. */
export function buildAlertPolicy(overrides: Partial<FakeAlertPolicy> = {}): FakeAlertPolicy {
  return {
    name: 'projects/shop-prod/alertPolicies/1234567890',
    displayName: 'payment-api p95 latency',
    documentation: { content: 'Runbook: https://runbooks.example.com/payment-latency', mimeType: 'text/markdown' },
    userLabels: { team: 'payments', service: 'payment-api' },
    conditions: [
      {
        name: 'projects/shop-prod/alertPolicies/1234567890/conditions/42',
        displayName: 'p95 latency above 2 s for 5 min',
        conditionThreshold: {
          filter: 'metric.type = "istio.io/service/server/response_latencies" AND resource.labels.container_name = "payment-api"',
          aggregations: [{ alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_DELTA', crossSeriesReducer: 'REDUCE_PERCENTILE_95' }],
          comparison: 'COMPARISON_GT',
          thresholdValue: 2000,
          duration: { seconds: 300 },
          trigger: { count: 1 },
        },
      },
    ],
    combiner: 'OR',
    enabled: { value: true },
    notificationChannels: ['projects/shop-prod/notificationChannels/1', 'projects/shop-prod/notificationChannels/2'],
    severity: 'CRITICAL',
    ...overrides,
  }
}
