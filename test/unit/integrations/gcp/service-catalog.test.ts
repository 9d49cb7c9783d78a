import { describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../../src/core/telemetry/port'
import { GcpCatalogError } from '../../../../src/integrations/gcp/gcp-errors'
import { DEFAULT_METRIC_MAPPINGS } from '../../../../src/integrations/gcp/metric-mappings'
import { ServiceCatalog } from '../../../../src/integrations/gcp/service-catalog'

const FIXTURE = new URL('../../../fixtures/gcp/services.yaml', import.meta.url).pathname

function catalogProblem(raw: unknown): string {
  try {
    ServiceCatalog.parse(raw, 'shop-prod', 'services.yaml')
  } catch (err) {
    if (err instanceof GcpCatalogError) return err.message
    throw err
  }
  return ''
}

describe('ServiceCatalog', () => {
  const catalog = ServiceCatalog.load(FIXTURE, 'shop-prod')

  it('lists the services it knows with their dependencies', () => {
    expect(catalog.services()).toEqual([
      { name: 'payment-api', dependsOn: ['fraud-check', 'checkout-db'] },
      { name: 'fraud-check', dependsOn: [] },
      { name: 'checkout-db', dependsOn: [] },
    ])
  })

  it('uses the resource and labels the file gives, with the default metrics of that resource type', () => {
    const fraud = catalog.resolve('fraud-check')
    expect(fraud.resource).toEqual({ type: 'cloud_run_revision', labels: { service_name: 'fraud-check' } })
    expect(fraud.metrics.latency_p95_ms).toEqual(DEFAULT_METRIC_MAPPINGS.cloud_run_revision!.latency_p95_ms)
  })

  it('lets a service add a metric and remove a default one', () => {
    const db = catalog.resolve('checkout-db')
    expect(db.metrics.db_connections_used_ratio).toMatchObject({ metricType: 'cloudsql.googleapis.com/database/postgresql/num_backends', scale: 0.005 })
    expect(db.metrics.memory_utilization).toBeUndefined()
    expect(db.metrics.cpu_utilization).toBeDefined()
    expect(db.errorReportingService).toBe('checkout-db-errors')
  })

  it('assumes an unlisted service is a container of the default type named after it', () => {
    expect(catalog.resolve('cart').resource).toEqual({ type: 'k8s_container', labels: { container_name: 'cart' } })
    expect(ServiceCatalog.parse({ defaults: { resourceType: 'cloudsql_database' } }, 'shop-prod').resolve('orders-db').resource.labels).toEqual({
      database_id: 'shop-prod:orders-db',
    })
  })

  it('refuses a service name that could not be a label value safely', () => {
    expect(() => catalog.resolve('payment-api" OR x')).toThrow(TelemetryQueryError)
  })

  it('names the field of a malformed file', () => {
    expect(
      catalogProblem({
        services: {
          'payment-api': { metrics: { latency_p95_ms: { metricType: 'latency', perSeriesAligner: 'ALIGN_MEAN', crossSeriesReducer: 'REDUCE_MAX' } } },
        },
      }),
    ).toMatch(/^services\.yaml: services\.payment-api\.metrics\.latency_p95_ms/)
    expect(
      catalogProblem({
        services: {
          cart: { metrics: { latency_p95_ms: { metricType: 'a.googleapis.com/x', perSeriesAligner: 'ALIGN_AVERAGE', crossSeriesReducer: 'REDUCE_MAX' } } },
        },
      }),
    ).toMatch(/latency_p95_ms/)
    expect(catalogProblem({ services: { cart: { metrics: { p99_latency: null } } } })).toMatch(/services\.cart\.metrics/)
    expect(catalogProblem({ services: { cart: { dependsOn: ['cart'] } } })).toBe('services.yaml: services.cart.dependsOn: a service cannot depend on itself')
    expect(catalogProblem({ services: { cart: { resource: { type: 'k8s_container', labels: { 'bad key': 'x' } } } } })).toMatch(
      /services\.cart\.resource\.labels/,
    )
  })

  it('names the file of a YAML error', () => {
    const broken = new URL('../../../fixtures/gcp/services-broken.yaml', import.meta.url).pathname
    expect(() => ServiceCatalog.load(broken, 'p')).toThrow(GcpCatalogError)
    expect(() => ServiceCatalog.load(broken, 'p')).toThrow(broken)
  })
})
