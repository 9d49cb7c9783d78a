import { describe, expect, it } from 'vitest'
import { GcpConsoleLinks } from '../../../../src/integrations/gcp/console-links'
import { ServiceCatalog } from '../../../../src/integrations/gcp/service-catalog'

const window = { start: new Date('2026-05-14T09:30:00.000Z'), end: new Date('2026-05-14T10:01:00.000Z') }
const bounds = '\ntimestamp>="2026-05-14T09:30:00.000Z"\ntimestamp<="2026-05-14T10:01:00.000Z"'

const catalog = ServiceCatalog.parse(
  {
    services: {
      'payment-api': { resource: { type: 'k8s_container', labels: { namespace_name: 'payments', container_name: 'payment-api' } } },
      'fraud-check': { resource: { type: 'cloud_run_revision', labels: { service_name: 'fraud-check', location: 'europe-west1' } } },
      'batch-runner': { resource: { type: 'gce_instance', labels: { instance_id: '4417253300123', zone: 'europe-west1-b' } } },
      'legacy-ftp': { resource: { type: 'gce_instance', labels: { instance_name: 'ftp-1' } } },
    },
  },
  'shop-prod',
)
const links = new GcpConsoleLinks('shop-prod', (service) => catalog.resolve(service).resource)

/** The Logs Explorer query a link opens, and the project it opens it in. */
function logsQuery(link: string): { query: string; project: string } {
  const m = /^https:\/\/console\.cloud\.google\.com\/logs\/query;query=([^?]*)\?project=(.*)$/.exec(link)
  if (!m) throw new Error(`not a Logs Explorer link: ${link}`)
  return { query: decodeURIComponent(m[1]!), project: decodeURIComponent(m[2]!) }
}

describe('Google Cloud console links', () => {
  describe('to the logs of a service', () => {
    it('pick GKE containers by container name, as they always have', () => {
      const link = links.logs({ services: ['payment-api', 'orders-api'], minSeverity: 'WARNING', ...window })
      expect(link).toBe(
        'https://console.cloud.google.com/logs/query;query=resource.labels.container_name%3D(%22payment-api%22%20OR%20%22orders-api%22)%0Aseverity%3E%3DWARNING' +
          '%0Atimestamp%3E%3D%222026-05-14T09%3A30%3A00.000Z%22%0Atimestamp%3C%3D%222026-05-14T10%3A01%3A00.000Z%22?project=shop-prod',
      )
    })

    it('pick a Cloud Run service by its resource type and service name', () => {
      expect(logsQuery(links.logs({ services: ['fraud-check'], minSeverity: 'WARNING', ...window }))).toEqual({
        query: `resource.type="cloud_run_revision" AND resource.labels.location="europe-west1" AND resource.labels.service_name="fraud-check"\nseverity>=WARNING${bounds}`,
        project: 'shop-prod',
      })
    })

    it('pick a Compute Engine instance by its id, or by its name where the catalog gives only that', () => {
      expect(logsQuery(links.logs({ services: ['batch-runner'], ...window })).query).toBe(
        `resource.type="gce_instance" AND resource.labels.instance_id="4417253300123" AND resource.labels.zone="europe-west1-b"${bounds}`,
      )
      expect(logsQuery(links.logs({ services: ['legacy-ftp'], contains: 'timeout', ...window })).query).toBe(
        `resource.type="gce_instance" AND labels."compute.googleapis.com/resource_name"="ftp-1"\n"timeout"${bounds}`,
      )
    })

    it('join services of different kinds with OR, each in parentheses', () => {
      expect(logsQuery(links.logs({ services: ['payment-api', 'fraud-check', 'batch-runner'], ...window })).query).toBe(
        '(resource.labels.container_name=("payment-api")) OR ' +
          '(resource.type="cloud_run_revision" AND resource.labels.location="europe-west1" AND resource.labels.service_name="fraud-check") OR ' +
          `(resource.type="gce_instance" AND resource.labels.instance_id="4417253300123" AND resource.labels.zone="europe-west1-b")${bounds}`,
      )
    })

    it('take a service it cannot place for a container of that name, and quote what it is given', () => {
      const unplaced = new GcpConsoleLinks('shop-prod')
      expect(logsQuery(unplaced.logs({ services: ['cart'], contains: 'say "hi"', ...window })).query).toBe(
        `resource.labels.container_name=("cart")\n"say \\"hi\\""${bounds}`,
      )
    })
  })

  it('open metrics, error groups and traces in the project, and a policy in the project that owns it', () => {
    expect(links.metric({ service: 'fraud-check', metric: 'latency_p95_ms', ...window })).toBe(
      'https://console.cloud.google.com/monitoring/metrics-explorer?project=shop-prod&startTime=2026-05-14T09%3A30%3A00.000Z&endTime=2026-05-14T10%3A01%3A00.000Z' +
        '&pageState=%7B%22service%22%3A%22fraud-check%22%2C%22metric%22%3A%22latency_p95_ms%22%7D',
    )
    expect(links.errorGroup('CJ7n4a')).toBe('https://console.cloud.google.com/errors/detail/CJ7n4a?project=shop-prod')
    expect(links.trace('abc123')).toBe('https://console.cloud.google.com/traces/list?project=shop-prod&tid=abc123')
    expect(links.alertPolicy('projects/ops-host/alertPolicies/987')).toBe('https://console.cloud.google.com/monitoring/alerting/policies/987?project=ops-host')
    expect(links.alertPolicy('orders latency')).toBeNull()
  })
})
