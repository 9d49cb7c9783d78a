import { z } from 'zod'
import type { CapacitySettings, CapacitySettingsPort } from '../../core/capacity/capacity-settings'
import { CodedError } from '../../core/errors'
import { parseQuantity } from '../actions/kubernetes-capacity-settings'

/** Cloud Run's defaults for what a service does not set (max instances, concurrency, CPU and memory per instance). */
const DEFAULT_MAX_INSTANCES = 100
const DEFAULT_CONCURRENCY = 80
const DEFAULT_CPU = '1'
const DEFAULT_MEMORY = '512Mi'

/** The fields of a Cloud Run Admin API v2 Service that size it; everything else is ignored. */
const serviceSchema = z.object({
  name: z.string(),
  scaling: z.object({ minInstanceCount: z.number().int().optional(), manualInstanceCount: z.number().int().optional() }).optional(),
  template: z
    .object({
      scaling: z.object({ minInstanceCount: z.number().int().optional(), maxInstanceCount: z.number().int().optional() }).optional(),
      maxInstanceRequestConcurrency: z.number().int().optional(),
      containers: z.array(z.object({ resources: z.object({ limits: z.record(z.string(), z.string()).optional() }).optional() })).default([]),
    })
    .default({ containers: [] }),
})

/** What google-auth-library's GoogleAuth and OAuth2Client both offer: an authorised request. */
export interface AuthorizedRequester {
  request(options: { url: string; method: 'GET'; timeout: number; retry: boolean; responseType: 'json' }): Promise<{ data: unknown }>
}

export interface CloudRunCapacitySettingsOptions {
  auth: AuthorizedRequester
  project: string
  region: string
  /** https://run.googleapis.com/ unless a test points it elsewhere. */
  rootUrl: string
  timeoutMs?: number
}

/**
 * Reads a Cloud Run service's scaling and resources through the Admin API v2
 * (`GET /v2/projects/{p}/locations/{l}/services/{s}`), as CapacitySettings: instances are the replicas,
 * min / max instances the autoscaler's bounds, the container's CPU and memory limits the per-instance size
 * (Cloud Run allocates what it limits, so the request is the limit). The service may be `region/name`.
 */
export class CloudRunCapacitySettings implements CapacitySettingsPort {
  constructor(private readonly options: CloudRunCapacitySettingsOptions) {}

  async settings(service: string): Promise<CapacitySettings | null> {
    const slash = service.indexOf('/')
    const [region, name] = slash > 0 ? [service.slice(0, slash), service.slice(slash + 1)] : [this.options.region, service]
    const path = `v2/projects/${encodeURIComponent(this.options.project)}/locations/${encodeURIComponent(region)}/services/${encodeURIComponent(name)}`
    let body: unknown
    try {
      body = (
        await this.options.auth.request({
          url: new URL(path, this.options.rootUrl).href,
          method: 'GET',
          timeout: this.options.timeoutMs ?? 10_000,
          retry: false,
          responseType: 'json',
        })
      ).data
    } catch (err) {
      const e = err as { status?: number; response?: { status?: number; data?: { error?: { message?: string } } }; message?: string }
      const status = e.response?.status ?? e.status
      if (status === 404) return null
      const reason = e.response?.data?.error?.message ?? e.message ?? String(err)
      throw new CodedError('cloud_run_read_failed', `could not read Cloud Run service ${region}/${name}: ${status ? `${status} ` : ''}${reason}`)
    }
    const parsed = serviceSchema.safeParse(body)
    if (!parsed.success) throw new CodedError('cloud_run_read_failed', `Cloud Run answered for ${region}/${name} with an unexpected body`)
    const s = parsed.data
    const limits = s.template.containers.map((c) => c.resources?.limits ?? {})
    const sum = (resource: 'cpu' | 'memory', fallback: string) =>
      limits.reduce((total, l) => total + (parseQuantity(l[resource] ?? fallback) ?? 0), 0) || (parseQuantity(fallback) ?? 0)
    const cpu = sum('cpu', DEFAULT_CPU)
    const memoryGiB = Math.round((sum('memory', DEFAULT_MEMORY) / 2 ** 30) * 1000) / 1000
    const manual = s.scaling?.manualInstanceCount
    const min = Math.max(s.scaling?.minInstanceCount ?? 0, s.template.scaling?.minInstanceCount ?? 0)
    const max = s.template.scaling?.maxInstanceCount ?? DEFAULT_MAX_INSTANCES
    return {
      kind: 'cloud-run',
      source: `Cloud Run service ${region}/${name}`,
      // The Service does not say how many instances run now: the instance-count history does; without it, the floor.
      replicas: manual ?? Math.max(1, min),
      // Scale to zero sizes as one instance: the peak is served by at least one.
      autoscaler: manual === undefined ? { minReplicas: Math.max(1, min), maxReplicas: max } : null,
      cpuRequestCores: cpu,
      cpuLimitCores: cpu,
      memoryRequestGiB: memoryGiB,
      memoryLimitGiB: memoryGiB,
      concurrency: s.template.maxInstanceRequestConcurrency ?? DEFAULT_CONCURRENCY,
    }
  }
}
