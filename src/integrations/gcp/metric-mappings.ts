import { z } from 'zod'
import type { MetricKind } from '../../core/telemetry/port'

/** Aggregation.Aligner values of google.monitoring.v3 (common.proto). */
export const ALIGNERS = [
  'ALIGN_NONE',
  'ALIGN_DELTA',
  'ALIGN_RATE',
  'ALIGN_INTERPOLATE',
  'ALIGN_NEXT_OLDER',
  'ALIGN_MIN',
  'ALIGN_MAX',
  'ALIGN_MEAN',
  'ALIGN_COUNT',
  'ALIGN_SUM',
  'ALIGN_STDDEV',
  'ALIGN_COUNT_TRUE',
  'ALIGN_COUNT_FALSE',
  'ALIGN_FRACTION_TRUE',
  'ALIGN_PERCENTILE_99',
  'ALIGN_PERCENTILE_95',
  'ALIGN_PERCENTILE_50',
  'ALIGN_PERCENTILE_05',
  'ALIGN_PERCENT_CHANGE',
] as const
/** Aggregation.Reducer values of google.monitoring.v3 (common.proto). */
export const REDUCERS = [
  'REDUCE_NONE',
  'REDUCE_MEAN',
  'REDUCE_MIN',
  'REDUCE_MAX',
  'REDUCE_SUM',
  'REDUCE_STDDEV',
  'REDUCE_COUNT',
  'REDUCE_COUNT_TRUE',
  'REDUCE_COUNT_FALSE',
  'REDUCE_FRACTION_TRUE',
  'REDUCE_PERCENTILE_99',
  'REDUCE_PERCENTILE_95',
  'REDUCE_PERCENTILE_50',
  'REDUCE_PERCENTILE_05',
] as const

export const labelKeySchema = z.string().regex(/^[a-z_][a-z0-9_]{0,99}$/i, 'must be a label key (letters, digits, underscores)')
export const metricTypeSchema = z
  .string()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+\/[A-Za-z0-9_./-]+$/, 'must be a Cloud Monitoring metric type such as run.googleapis.com/request_count')

/** One listTimeSeries question, reduced to a single series. `scale` turns the API's unit into the port's (s → ms). */
export const seriesMappingSchema = z.strictObject({
  metricType: metricTypeSchema,
  metricLabels: z.record(labelKeySchema, z.string().max(1024)).default({}),
  perSeriesAligner: z.enum(ALIGNERS),
  crossSeriesReducer: z.enum(REDUCERS),
  scale: z.number().positive().default(1),
})
/** A metric the API has no series for, computed from two: errors over all requests. */
export const ratioMappingSchema = z.strictObject({ numerator: seriesMappingSchema, denominator: seriesMappingSchema })
export const metricMappingSchema = z.union([seriesMappingSchema, ratioMappingSchema])

export type SeriesMapping = z.infer<typeof seriesMappingSchema>
export type RatioMapping = z.infer<typeof ratioMappingSchema>
export type MetricMapping = z.infer<typeof metricMappingSchema>
export type MetricMappings = Partial<Record<MetricKind, MetricMapping>>

export function isRatioMapping(m: MetricMapping): m is RatioMapping {
  return 'numerator' in m
}

const series = (
  metricType: string,
  perSeriesAligner: SeriesMapping['perSeriesAligner'],
  crossSeriesReducer: SeriesMapping['crossSeriesReducer'],
  extra: Partial<SeriesMapping> = {},
): SeriesMapping => ({
  metricType,
  metricLabels: {},
  perSeriesAligner,
  crossSeriesReducer,
  scale: 1,
  ...extra,
})

/**
 * What each port metric means in Cloud Monitoring for the resource types the agent knows.
 * A kind missing here is "not exported" for that resource type; the service catalog can
 * add, replace or remove any of them (per resource type or per service).
 */
export const DEFAULT_METRIC_MAPPINGS: Record<string, MetricMappings> = {
  cloud_run_revision: {
    latency_p95_ms: series('run.googleapis.com/request_latencies', 'ALIGN_DELTA', 'REDUCE_PERCENTILE_95'),
    request_rate: series('run.googleapis.com/request_count', 'ALIGN_RATE', 'REDUCE_SUM'),
    error_rate: {
      numerator: series('run.googleapis.com/request_count', 'ALIGN_RATE', 'REDUCE_SUM', { metricLabels: { response_code_class: '5xx' } }),
      denominator: series('run.googleapis.com/request_count', 'ALIGN_RATE', 'REDUCE_SUM'),
    },
    cpu_utilization: series('run.googleapis.com/container/cpu/utilizations', 'ALIGN_PERCENTILE_95', 'REDUCE_MAX'),
    memory_utilization: series('run.googleapis.com/container/memory/utilizations', 'ALIGN_PERCENTILE_95', 'REDUCE_MAX'),
    replicas: series('run.googleapis.com/container/instance_count', 'ALIGN_MAX', 'REDUCE_SUM'),
  },
  // GKE workloads: resource metrics from kubernetes.io, request metrics from the service mesh (Istio / Cloud Service Mesh).
  k8s_container: {
    latency_p95_ms: series('istio.io/service/server/response_latencies', 'ALIGN_DELTA', 'REDUCE_PERCENTILE_95'),
    request_rate: series('istio.io/service/server/request_count', 'ALIGN_RATE', 'REDUCE_SUM'),
    error_rate: {
      numerator: series('istio.io/service/server/request_count', 'ALIGN_RATE', 'REDUCE_SUM', { metricLabels: { response_code_class: '5xx' } }),
      denominator: series('istio.io/service/server/request_count', 'ALIGN_RATE', 'REDUCE_SUM'),
    },
    cpu_utilization: series('kubernetes.io/container/cpu/limit_utilization', 'ALIGN_MEAN', 'REDUCE_MAX'),
    memory_utilization: series('kubernetes.io/container/memory/limit_utilization', 'ALIGN_MAX', 'REDUCE_MAX', {
      metricLabels: { memory_type: 'non-evictable' },
    }),
    // One uptime series per running container: their count in a period is the pods serving.
    replicas: series('kubernetes.io/container/uptime', 'ALIGN_MEAN', 'REDUCE_COUNT'),
  },
  cloudsql_database: {
    cpu_utilization: series('cloudsql.googleapis.com/database/cpu/utilization', 'ALIGN_MEAN', 'REDUCE_MAX'),
    memory_utilization: series('cloudsql.googleapis.com/database/memory/utilization', 'ALIGN_MEAN', 'REDUCE_MAX'),
    disk_used_ratio: series('cloudsql.googleapis.com/database/disk/utilization', 'ALIGN_MEAN', 'REDUCE_MAX'),
  },
  pubsub_subscription: {
    pubsub_backlog: series('pubsub.googleapis.com/subscription/num_undelivered_messages', 'ALIGN_MEAN', 'REDUCE_SUM'),
  },
}
