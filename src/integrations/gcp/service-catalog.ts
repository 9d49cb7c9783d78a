import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { errorMessage } from '../../core/errors'
import { METRIC_KINDS, TelemetryQueryError, type MetricKind } from '../../core/telemetry/port'
import { GcpCatalogError } from './gcp-errors'
import { DEFAULT_METRIC_MAPPINGS, labelKeySchema, metricMappingSchema, type MetricMapping, type MetricMappings } from './metric-mappings'

const serviceNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/i, 'must be a service name (letters, digits, . _ -)')
const resourceTypeSchema = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be a monitored resource type such as k8s_container')
const metricKindSchema = z.enum(METRIC_KINDS)
/** null removes a default mapping: the service does not export that metric. */
const mappingsSchema = z.partialRecord(metricKindSchema, metricMappingSchema.nullable())

/** Resource label that names a service of each type when the catalog does not list it. */
const IMPLICIT_NAME_LABEL: Record<string, (name: string, projectId: string) => Record<string, string>> = {
  k8s_container: (name) => ({ container_name: name }),
  cloud_run_revision: (name) => ({ service_name: name }),
  cloudsql_database: (name, projectId) => ({ database_id: `${projectId}:${name}` }),
  pubsub_subscription: (name) => ({ subscription_id: name }),
}

/**
 * The GCP_SERVICES_FILE format (test/fixtures/gcp/services.yaml is a complete one):
 *
 *   defaults: { resourceType: k8s_container, traceServiceLabel: service.name }
 *   resourceTypes:                    # replace (or, with null, remove) a default mapping for a whole type
 *     k8s_container: { latency_p95_ms: { metricType: …, perSeriesAligner: …, crossSeriesReducer: … } }
 *   services:
 *     payment-api:
 *       resource: { type: k8s_container, labels: { namespace_name: payments, container_name: payment-api } }
 *       dependsOn: [fraud-check, checkout-db]
 *       errorReportingService: payment-api
 *       metrics: { db_connections_used_ratio: { metricType: …, scale: 0.005 }, memory_utilization: null }
 */
export const serviceCatalogSchema = z.strictObject({
  defaults: z
    .strictObject({
      /** Resource type assumed for services the catalog does not list. */
      resourceType: z.enum(Object.keys(IMPLICIT_NAME_LABEL) as [string, ...string[]]).default('k8s_container'),
      /** Span label that carries the service name in Cloud Trace. */
      traceServiceLabel: z
        .string()
        .regex(/^[A-Za-z0-9_./-]{1,128}$/, 'must be a span label key such as service.name')
        .default('service.name'),
    })
    .default({ resourceType: 'k8s_container', traceServiceLabel: 'service.name' }),
  /** Replaces or removes default mappings for every service of a resource type. */
  resourceTypes: z.record(resourceTypeSchema, mappingsSchema).default({}),
  services: z
    .record(
      serviceNameSchema,
      z.strictObject({
        resource: z.strictObject({ type: resourceTypeSchema, labels: z.record(labelKeySchema, z.string().min(1).max(1024)) }).optional(),
        dependsOn: z.array(serviceNameSchema).default([]),
        /** serviceContext.service in Error Reporting, when it differs from the name. */
        errorReportingService: z.string().min(1).max(256).optional(),
        metrics: mappingsSchema.default({}),
      }),
    )
    .default({}),
})
export type ServiceCatalogFile = z.infer<typeof serviceCatalogSchema>

export interface ResolvedService {
  name: string
  resource: { type: string; labels: Record<string, string> }
  dependsOn: string[]
  errorReportingService: string
  metrics: MetricMappings
}

/**
 * Where each service lives in Google Cloud (monitored resource and labels), what it calls,
 * and what each port metric means for it. Services it does not list are assumed to be the
 * default resource type named after the service (container_name, service_name, …).
 */
export class ServiceCatalog {
  readonly traceServiceLabel: string

  constructor(
    private readonly file: ServiceCatalogFile,
    private readonly projectId: string,
  ) {
    this.traceServiceLabel = file.defaults.traceServiceLabel
  }

  static empty(projectId: string): ServiceCatalog {
    return new ServiceCatalog(serviceCatalogSchema.parse({}), projectId)
  }

  static parse(raw: unknown, projectId: string, source = 'service catalog'): ServiceCatalog {
    const parsed = serviceCatalogSchema.safeParse(raw ?? {})
    if (!parsed.success) {
      throw new GcpCatalogError(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
    }
    for (const [name, s] of Object.entries(parsed.data.services)) {
      for (const dep of s.dependsOn) if (dep === name) throw new GcpCatalogError(`${source}: services.${name}.dependsOn: a service cannot depend on itself`)
    }
    return new ServiceCatalog(parsed.data, projectId)
  }

  static load(path: string, projectId: string): ServiceCatalog {
    let raw: unknown
    try {
      raw = parseYaml(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new GcpCatalogError(`${path}: ${errorMessage(err).split('\n')[0]}`)
    }
    return ServiceCatalog.parse(raw, projectId, path)
  }

  /** Listed services with their direct dependencies. */
  services(): Array<{ name: string; dependsOn: string[] }> {
    return Object.entries(this.file.services).map(([name, s]) => ({ name, dependsOn: [...s.dependsOn] }))
  }

  resolve(name: string): ResolvedService {
    const checked = serviceNameSchema.safeParse(name)
    if (!checked.success) throw new TelemetryQueryError(`service "${name}" ${checked.error.issues[0]!.message}`)
    const listed = this.file.services[name]
    const resource = listed?.resource ?? {
      type: this.file.defaults.resourceType,
      labels: IMPLICIT_NAME_LABEL[this.file.defaults.resourceType]!(name, this.projectId),
    }
    const metrics: MetricMappings = {}
    const layers = [DEFAULT_METRIC_MAPPINGS[resource.type] ?? {}, this.file.resourceTypes[resource.type] ?? {}, listed?.metrics ?? {}]
    for (const layer of layers) {
      for (const [kind, mapping] of Object.entries(layer) as Array<[MetricKind, MetricMapping | null]>) {
        if (mapping === null) delete metrics[kind]
        else metrics[kind] = mapping
      }
    }
    return { name, resource, dependsOn: [...(listed?.dependsOn ?? [])], errorReportingService: listed?.errorReportingService ?? name, metrics }
  }
}
