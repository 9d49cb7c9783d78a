import type { MetricKind } from '../../../core/telemetry/port'

/** Units as series-stats formats them: 'ratio' is 0..1, 'ms' is milliseconds. */
export const METRIC_UNITS: Record<MetricKind, string> = {
  latency_p95_ms: 'ms',
  error_rate: 'ratio',
  request_rate: 'req/s',
  cpu_utilization: 'ratio',
  memory_utilization: 'ratio',
  db_connections_used_ratio: 'ratio',
  pubsub_backlog: 'messages',
  disk_used_ratio: 'ratio',
  quota_used_ratio: 'ratio',
}
