import type { MetricKind } from '../telemetry/port'

/** Metrics where higher means worse; each is asked of the service and its direct dependencies. */
export const WATCHED_METRICS: readonly MetricKind[] = [
  'latency_p95_ms',
  'error_rate',
  'db_connections_used_ratio',
  'memory_utilization',
  'cpu_utilization',
  'quota_used_ratio',
  'pubsub_backlog',
  'disk_used_ratio',
]

/** Saturation metrics are alarming at a level, whatever their baseline; each is full at 1 (100 %). */
export const SATURATION_LEVEL: Partial<Record<MetricKind, number>> = {
  db_connections_used_ratio: 0.9,
  memory_utilization: 0.9,
  quota_used_ratio: 0.95,
  disk_used_ratio: 0.9,
}

/** What a metric is called in a sentence ("checkout-db connections at 78%"). */
export const METRIC_LABEL: Record<MetricKind, string> = {
  latency_p95_ms: 'p95 latency',
  error_rate: 'error rate',
  request_rate: 'request rate',
  cpu_utilization: 'CPU',
  memory_utilization: 'memory',
  db_connections_used_ratio: 'connections',
  pubsub_backlog: 'backlog',
  disk_used_ratio: 'disk',
  quota_used_ratio: 'quota',
  replicas: 'replicas',
}
