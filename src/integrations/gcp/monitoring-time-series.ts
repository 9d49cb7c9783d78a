import { z } from 'zod'
import type { CallApi } from './api-call-gate'
import type { GaxCallOptions, GcpClients } from './gcp-clients'
import type { SeriesMapping } from './metric-mappings'
import { buildMonitoringFilter } from './monitoring-filter'
import { parseResponse, protoTimestampSchema, timestampMs } from './response-fields'

const MAX_PAGE_SIZE = 100_000

const pointSchema = z.object({
  interval: z.object({ endTime: protoTimestampSchema, startTime: protoTimestampSchema.nullish() }),
  value: z
    .object({
      doubleValue: z.number().nullish(),
      int64Value: z.union([z.string().regex(/^-?\d+$/), z.number()]).nullish(),
      boolValue: z.boolean().nullish(),
      distributionValue: z.object({ mean: z.number().nullish(), count: z.union([z.string(), z.number()]).nullish() }).nullish(),
    })
    .refine((v) => v.doubleValue != null || v.int64Value != null || v.boolValue != null || v.distributionValue != null, 'a point has no value'),
})
const listTimeSeriesResponseSchema = z.object({
  timeSeries: z.array(z.object({ points: z.array(pointSchema) })),
  nextPageToken: z.string().nullish(),
})

export interface TimeSeriesRequest {
  name: string
  filter: string
  interval: { startTime: { seconds: number }; endTime: { seconds: number } }
  aggregation: { alignmentPeriod: { seconds: number }; perSeriesAligner: string; crossSeriesReducer: string; groupByFields: string[] }
  view: 'FULL'
  pageSize: number
}

/** A listTimeSeries request reducing one metric of one resource to a single aligned series. */
export function buildTimeSeriesRequest(
  projectId: string,
  resource: { type: string; labels: Record<string, string> },
  mapping: SeriesMapping,
  window: { startMs: number; endMs: number },
  stepSeconds: number,
): TimeSeriesRequest {
  return {
    name: `projects/${projectId}`,
    filter: buildMonitoringFilter({
      metricType: mapping.metricType,
      resourceType: resource.type,
      resourceLabels: resource.labels,
      metricLabels: mapping.metricLabels,
    }),
    interval: { startTime: { seconds: Math.floor(window.startMs / 1000) }, endTime: { seconds: Math.ceil(window.endMs / 1000) } },
    aggregation: {
      alignmentPeriod: { seconds: stepSeconds },
      perSeriesAligner: mapping.perSeriesAligner,
      crossSeriesReducer: mapping.crossSeriesReducer,
      groupByFields: [],
    },
    view: 'FULL',
    pageSize: MAX_PAGE_SIZE,
  }
}

/** Points as [end of the aligned period in ms, value], oldest first, unscaled. */
export async function fetchSeriesPoints(clients: GcpClients, call: CallApi, request: TimeSeriesRequest, maxPages: number): Promise<Array<[number, number]>> {
  const byTime = new Map<number, number>()
  let pageToken: string | undefined
  for (let page = 0; page < maxPages; page++) {
    const pageRequest = pageToken ? { ...request, pageToken } : request
    const [, , raw] = await call(
      (timeout) =>
        clients.metrics.listTimeSeries(pageRequest as Parameters<GcpClients['metrics']['listTimeSeries']>[0], {
          autoPaginate: false,
          retry: null,
          timeout,
        } satisfies GaxCallOptions),
      `listTimeSeries filter ${request.filter}`,
    )
    const response = parseResponse('monitoring', 'listTimeSeries', listTimeSeriesResponseSchema, raw)
    for (const series of response.timeSeries) {
      for (const point of series.points) {
        const at = timestampMs(point.interval.endTime)
        const v = point.value
        const value =
          v.doubleValue ?? (v.int64Value != null ? Number(v.int64Value) : v.boolValue != null ? Number(v.boolValue) : (v.distributionValue?.mean ?? 0))
        // Reduced to one series there is one value per period; if the API still splits it, keep the worst.
        byTime.set(at, Math.max(value, byTime.get(at) ?? -Infinity))
      }
    }
    pageToken = response.nextPageToken || undefined
    if (!pageToken) break
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0])
}
