import * as grpc from '@grpc/grpc-js'
import { FakeApiControls } from './fake-api-controls'
import { compareText, FilterSyntaxError, matchesFilter, parseFilter, topLevelEqualities } from './filter-language'
import { bindInsecure, fromProtoTimestamp, grpcFailure, loadGrpcPackage, PROTO_DIRS, toProtoTimestamp, type LoadedPackage } from './google-protos'

export interface FakeSeries {
  metricType: string
  resourceType: string
  resourceLabels: Record<string, string>
  metricLabels: Record<string, string>
  /** Raw samples with fromMs < atMs <= toMs. */
  points(fromMs: number, toMs: number): Array<{ atMs: number; value: number }> | Promise<Array<{ atMs: number; value: number }>>
}

/** google.monitoring.v3.AlertPolicy in the proto's camelCase JSON form, as the server sends it. */
export interface FakeAlertPolicy {
  name: string
  displayName: string
  [field: string]: unknown
}

type Request = {
  name?: string
  filter?: string
  interval?: { startTime?: { seconds?: string; nanos?: number }; endTime?: { seconds?: string; nanos?: number } }
  aggregation?: { alignmentPeriod?: { seconds?: string }; perSeriesAligner?: string; crossSeriesReducer?: string; groupByFields?: string[] }
  view?: string
  pageSize?: number
  pageToken?: string
}

interface OutSeries {
  metricType: string
  resourceType: string
  resourceLabels: Record<string, string>
  metricLabels: Record<string, string>
  /** Newest first, as the API returns them. */
  points: Array<{ startMs: number; endMs: number; value: number }>
}

class RequestProblem extends Error {
  constructor(
    readonly status: 'INVALID_ARGUMENT' | 'NOT_FOUND',
    message: string,
  ) {
    super(message)
  }
}

let monitoringPackage: LoadedPackage | null = null
let alertPackage: LoadedPackage | null = null

/**
 * google.monitoring.v3.MetricService over real gRPC, built from the .proto files shipped in
 * @google-cloud/monitoring. ListTimeSeries filters series with the filter language, aligns
 * them (mean, max, min, sum, count, delta, rate, next-older, percentiles), reduces across
 * series, returns points newest first, and pages (series per page, and points per page
 * when `maxPointsPerPage` is set). Unknown metric types are NOT_FOUND, bad filters INVALID_ARGUMENT.
 * The same server answers google.monitoring.v3.AlertPolicyService (alert_service.proto):
 * GetAlertPolicy by resource name and ListAlertPolicies with a filter and pages.
 */
export class FakeMonitoringServer {
  readonly controls = new FakeApiControls('monitoring.googleapis.com')
  series: FakeSeries[] = []
  alertPolicies: FakeAlertPolicy[] = []
  maxPointsPerPage = Infinity

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeMonitoringServer> {
    monitoringPackage ??= loadGrpcPackage('google/monitoring/v3/metric_service.proto', PROTO_DIRS.monitoring)
    alertPackage ??= loadGrpcPackage('google/monitoring/v3/alert_service.proto', PROTO_DIRS.monitoring)
    const server = new grpc.Server()
    const holder: { fake?: FakeMonitoringServer } = {}
    server.addService(monitoringPackage.google.monitoring.v3.MetricService.service, {
      listTimeSeries: (call: grpc.ServerUnaryCall<Request, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        void holder.fake!.listTimeSeries(call.request, callback),
    })
    server.addService(alertPackage.google.monitoring.v3.AlertPolicyService.service, {
      getAlertPolicy: (call: grpc.ServerUnaryCall<{ name?: string }, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        void holder.fake!.getAlertPolicy(call.request, callback),
      listAlertPolicies: (call: grpc.ServerUnaryCall<AlertListRequest, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        void holder.fake!.listAlertPolicies(call.request, callback),
    })
    const port = await bindInsecure(server)
    holder.fake = new FakeMonitoringServer(server, port)
    return holder.fake
  }

  private async listTimeSeries(request: Request, callback: grpc.sendUnaryData<unknown>): Promise<void> {
    const { failure, malformed } = await this.controls.admit('ListTimeSeries', request)
    if (failure) return callback(grpcFailure(failure) as grpc.ServiceError)
    if (malformed) return callback(null, { timeSeries: [{ points: [{ interval: {}, value: {} }] }] })
    try {
      callback(null, await this.answer(request))
    } catch (err) {
      if (!(err instanceof RequestProblem)) throw err
      callback(grpcFailure({ status: err.status, message: err.message }) as grpc.ServiceError)
    }
  }

  private async getAlertPolicy(request: { name?: string }, callback: grpc.sendUnaryData<unknown>): Promise<void> {
    const { failure, malformed } = await this.controls.admit('GetAlertPolicy', request)
    if (failure) return callback(grpcFailure(failure) as grpc.ServiceError)
    if (malformed) return callback(null, { displayName: 'a policy without its name', conditions: [] })
    if (!/^projects\/[^/]+\/alertPolicies\/[^/]+$/.test(request.name ?? ''))
      return callback(grpcFailure({ status: 'INVALID_ARGUMENT', message: `Field name had an invalid value: "${request.name ?? ''}"` }) as grpc.ServiceError)
    const policy = this.alertPolicies.find((p) => p.name === request.name)
    if (!policy) return callback(grpcFailure({ status: 'NOT_FOUND', message: `Requested entity was not found: ${request.name}` }) as grpc.ServiceError)
    callback(null, policy)
  }

  private async listAlertPolicies(request: AlertListRequest, callback: grpc.sendUnaryData<unknown>): Promise<void> {
    const { failure, malformed } = await this.controls.admit('ListAlertPolicies', request)
    if (failure) return callback(grpcFailure(failure) as grpc.ServiceError)
    if (malformed) return callback(null, { alertPolicies: [{ name: 'not/a/policy' }] })
    try {
      const project = /^projects\/([^/]+)$/.exec(request.name ?? '')
      if (!project) throw new RequestProblem('INVALID_ARGUMENT', `Field name had an invalid value: "${request.name ?? ''}"`)
      let tree: ReturnType<typeof parseFilter> | null
      try {
        tree = request.filter ? parseFilter(request.filter) : null
      } catch (err) {
        if (err instanceof FilterSyntaxError) throw new RequestProblem('INVALID_ARGUMENT', `Could not parse filter "${request.filter}": ${err.message}`)
        throw err
      }
      const inProject = this.alertPolicies.filter((p) => p.name.startsWith(`projects/${project[1]}/alertPolicies/`))
      const selected = tree ? inProject.filter((p) => matchesFilter(tree, (field, op, value) => compareText(alertPolicyField(p, field), op, value))) : inProject
      const offset = request.pageToken ? Number(Buffer.from(request.pageToken, 'base64url').toString()) : 0
      if (!Number.isInteger(offset) || offset < 0) throw new RequestProblem('INVALID_ARGUMENT', 'Invalid page token')
      const pageSize = request.pageSize && request.pageSize > 0 ? Math.min(request.pageSize, 1_000) : 1_000
      const page = selected.slice(offset, offset + pageSize)
      const more = offset + pageSize < selected.length
      callback(null, {
        alertPolicies: page,
        nextPageToken: more ? Buffer.from(String(offset + pageSize)).toString('base64url') : '',
        totalSize: selected.length,
      })
    } catch (err) {
      if (!(err instanceof RequestProblem)) throw err
      callback(grpcFailure({ status: err.status, message: err.message }) as grpc.ServiceError)
    }
  }

  private async answer(request: Request): Promise<unknown> {
    if (!/^projects\/[^/]+$/.test(request.name ?? '')) throw new RequestProblem('INVALID_ARGUMENT', `Field name had an invalid value: "${request.name ?? ''}"`)
    let tree: ReturnType<typeof parseFilter>
    try {
      tree = parseFilter(request.filter ?? '')
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw new RequestProblem('INVALID_ARGUMENT', `Could not parse filter "${request.filter}": ${err.message}`)
      throw err
    }
    const types = topLevelEqualities(tree).filter((e) => e.field === 'metric.type')
    if (types.length !== 1) throw new RequestProblem('INVALID_ARGUMENT', 'The filter must name exactly one metric.type')
    const metricType = types[0]!.value
    if (!this.series.some((s) => s.metricType === metricType)) throw new RequestProblem('NOT_FOUND', `Cannot find metric(s) that match type = "${metricType}".`)
    const endMs = fromProtoTimestamp(request.interval?.endTime)
    if (endMs === null) throw new RequestProblem('INVALID_ARGUMENT', 'Field interval.endTime is required')
    const startMs = fromProtoTimestamp(request.interval?.startTime) ?? endMs
    if (startMs > endMs) throw new RequestProblem('INVALID_ARGUMENT', 'Field interval.startTime must not be later than interval.endTime')
    const selected = this.series.filter((s) =>
      matchesFilter(tree, (field, op, value) => {
        const labelField = /^(resource|metric)\.labels?\.([A-Za-z0-9_]+)$/.exec(field)
        if (field === 'metric.type') return compareText(s.metricType, op, value)
        if (field === 'resource.type') return compareText(s.resourceType, op, value)
        if (labelField) return compareText(labelField[1] === 'resource' ? s.resourceLabels[labelField[2]!] : s.metricLabels[labelField[2]!], op, value)
        throw new RequestProblem('INVALID_ARGUMENT', `Unknown field "${field}" in filter`)
      }),
    )
    const out = await aggregate(selected, startMs, endMs, request.aggregation)
    return this.page(out, request)
  }

  private page(out: OutSeries[], request: Request): unknown {
    let [seriesIndex, pointIndex] = [0, 0]
    if (request.pageToken) {
      const m = /^(\d+):(\d+)$/.exec(Buffer.from(request.pageToken, 'base64url').toString())
      if (!m) throw new RequestProblem('INVALID_ARGUMENT', 'Invalid page token')
      ;[seriesIndex, pointIndex] = [Number(m[1]), Number(m[2])]
    }
    const maxSeries = request.pageSize && request.pageSize > 0 ? request.pageSize : 10_000
    const timeSeries = []
    let pointBudget = this.maxPointsPerPage
    while (seriesIndex < out.length && timeSeries.length < maxSeries && pointBudget > 0) {
      const s = out[seriesIndex]!
      const take = s.points.slice(pointIndex, pointIndex + pointBudget)
      pointBudget -= take.length
      timeSeries.push({
        metric: { type: s.metricType, labels: s.metricLabels },
        resource: { type: s.resourceType, labels: s.resourceLabels },
        metricKind: 'GAUGE',
        valueType: 'DOUBLE',
        points: take.map((p) => ({
          interval: { startTime: toProtoTimestamp(p.startMs), endTime: toProtoTimestamp(p.endMs) },
          value: { doubleValue: p.value },
        })),
      })
      if (pointIndex + take.length < s.points.length) {
        pointIndex += take.length
        break
      }
      seriesIndex++
      pointIndex = 0
    }
    const more = seriesIndex < out.length
    return { timeSeries, nextPageToken: more ? Buffer.from(`${seriesIndex}:${pointIndex}`).toString('base64url') : '' }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()))
  }
}

type AlertListRequest = { name?: string; filter?: string; orderBy?: string; pageSize?: number; pageToken?: string }

/** Fields of an alert policy the filter may name (a subset of what Cloud Monitoring accepts). */
function alertPolicyField(p: FakeAlertPolicy, field: string): string | undefined {
  const label = /^user_labels\.([A-Za-z0-9_-]+)$/.exec(field)
  if (label) return (p.userLabels as Record<string, string> | undefined)?.[label[1]!]
  if (field === 'display_name') return p.displayName
  if (field === 'name') return p.name
  if (field === 'enabled') return String((p.enabled as { value?: boolean } | undefined)?.value ?? true)
  throw new RequestProblem('INVALID_ARGUMENT', `Field "${field}" is not supported in an alert policy filter`)
}

const PERCENTILE = /_PERCENTILE_(\d\d)$/

async function aggregate(selected: FakeSeries[], startMs: number, endMs: number, aggregation: Request['aggregation']): Promise<OutSeries[]> {
  const aligner = aggregation?.perSeriesAligner ?? 'ALIGN_NONE'
  const reducer = aggregation?.crossSeriesReducer ?? 'REDUCE_NONE'
  const periodS = Number(aggregation?.alignmentPeriod?.seconds ?? 0)
  if (aligner !== 'ALIGN_NONE' && !(periodS > 0)) throw new RequestProblem('INVALID_ARGUMENT', 'An alignment period is required with a per-series aligner')
  if (reducer !== 'REDUCE_NONE' && aligner === 'ALIGN_NONE')
    throw new RequestProblem('INVALID_ARGUMENT', 'A per-series aligner is required with a cross-series reducer')
  const header = (s: FakeSeries) => ({ metricType: s.metricType, resourceType: s.resourceType, resourceLabels: s.resourceLabels, metricLabels: s.metricLabels })
  if (aligner === 'ALIGN_NONE') {
    return Promise.all(
      selected.map(async (s) => ({
        ...header(s),
        points: (await s.points(startMs - 1, endMs)).map((p) => ({ startMs: p.atMs, endMs: p.atMs, value: p.value })).reverse(),
      })),
    )
  }
  const periodMs = periodS * 1000
  const aligned = await Promise.all(
    selected.map(async (s) => {
      const last = Math.floor(endMs / periodMs) * periodMs
      const first = last - Math.max(0, Math.ceil((last - startMs) / periodMs) - 1) * periodMs
      const raw = last > startMs ? await s.points(first - periodMs, last) : []
      const points: OutSeries['points'] = []
      for (let t = last; t > startMs; t -= periodMs) {
        const values = raw.filter((p) => p.atMs > t - periodMs && p.atMs <= t).map((p) => p.value)
        if (values.length === 0) continue
        points.push({ startMs: t - periodMs, endMs: t, value: align(aligner, values, periodS) })
      }
      return { ...header(s), points }
    }),
  )
  if (reducer === 'REDUCE_NONE') return aligned
  const groupBy = aggregation?.groupByFields ?? []
  const groups = new Map<string, OutSeries[]>()
  for (const s of aligned) {
    const key = groupBy.map((f) => labelOf(s, f)).join('\u0000')
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  return [...groups.values()].map((members) => {
    const byEnd = new Map<number, number[]>()
    for (const m of members) for (const p of m.points) byEnd.set(p.endMs, [...(byEnd.get(p.endMs) ?? []), p.value])
    const first = members[0]!
    const keep = (labels: Record<string, string>, prefix: string) =>
      Object.fromEntries(Object.entries(labels).filter(([k]) => groupBy.includes(`${prefix}.labels.${k}`)))
    return {
      metricType: first.metricType,
      resourceType: first.resourceType,
      resourceLabels: keep(first.resourceLabels, 'resource'),
      metricLabels: keep(first.metricLabels, 'metric'),
      points: [...byEnd.entries()].sort((a, b) => b[0] - a[0]).map(([t, values]) => ({ startMs: t - periodMs, endMs: t, value: reduce(reducer, values) })),
    }
  })
}

function labelOf(s: OutSeries, field: string): string {
  const m = /^(resource|metric)\.labels?\.([A-Za-z0-9_]+)$/.exec(field)
  if (!m) throw new RequestProblem('INVALID_ARGUMENT', `Invalid groupByFields entry "${field}"`)
  return (m[1] === 'resource' ? s.resourceLabels : s.metricLabels)[m[2]!] ?? ''
}

function align(aligner: string, values: number[], periodS: number): number {
  const pct = PERCENTILE.exec(aligner)
  if (pct) return percentile(values, Number(pct[1]))
  switch (aligner) {
    case 'ALIGN_MEAN':
    case 'ALIGN_INTERPOLATE':
      return values.reduce((a, b) => a + b, 0) / values.length
    case 'ALIGN_MAX':
      return Math.max(...values)
    case 'ALIGN_MIN':
      return Math.min(...values)
    case 'ALIGN_SUM':
    case 'ALIGN_DELTA':
      return values.reduce((a, b) => a + b, 0)
    case 'ALIGN_COUNT':
      return values.length
    case 'ALIGN_RATE':
      return values.reduce((a, b) => a + b, 0) / periodS
    case 'ALIGN_NEXT_OLDER':
      return values[values.length - 1]!
    default:
      throw new RequestProblem('INVALID_ARGUMENT', `Aligner ${aligner} is not supported by this fake`)
  }
}

function reduce(reducer: string, values: number[]): number {
  const pct = PERCENTILE.exec(reducer)
  if (pct) return percentile(values, Number(pct[1]))
  switch (reducer) {
    case 'REDUCE_MEAN':
      return values.reduce((a, b) => a + b, 0) / values.length
    case 'REDUCE_SUM':
      return values.reduce((a, b) => a + b, 0)
    case 'REDUCE_MAX':
      return Math.max(...values)
    case 'REDUCE_MIN':
      return Math.min(...values)
    case 'REDUCE_COUNT':
      return values.length
    default:
      throw new RequestProblem('INVALID_ARGUMENT', `Reducer ${reducer} is not supported by this fake`)
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
