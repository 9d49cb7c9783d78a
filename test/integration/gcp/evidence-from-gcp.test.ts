import { describe, expect, it } from 'vitest'
import { gatherEvidence } from '../../../src/core/analysis/evidence/gather-evidence'
import type { RetryEnvironment } from '../../../src/integrations/gcp/quota/retry-with-backoff'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildAlertPolicy, buildLogEntry, buildSeries, buildTrace } from '../../fakes/gcp/fake-data-builders'
import { useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'

const MINUTE = 60_000
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')

describe('evidence for an incident, gathered from the four Google Cloud APIs', () => {
  const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE)
  const startedAt = new Date(now.getTime() - 15 * MINUTE)
  const slowSince = (high: number, low: number) => (t: number) => (t > startedAt.getTime() ? high : low)
  // Backoff waits are skipped (no jitter, no RetryInfo), so retried refusals end quickly.
  const env: RetryEnvironment = { now: Date.now, random: () => 0, sleep: async () => undefined }
  const gcp = useFakeGcp({
    harness: { catalog, gate: { env } },
    started(fake) {
      fake.monitoring.series = [
        buildSeries({ resourceLabels: { container_name: 'payment-api', namespace_name: 'payments' }, valueAt: slowSince(3_100, 210) }),
        buildSeries({
          metricType: 'run.googleapis.com/request_latencies',
          resourceType: 'cloud_run_revision',
          resourceLabels: { service_name: 'fraud-check' },
          valueAt: slowSince(2_800, 60),
        }),
        buildSeries({
          metricType: 'cloudsql.googleapis.com/database/postgresql/num_backends',
          resourceType: 'cloudsql_database',
          resourceLabels: { database_id: 'shop-prod:checkout-db' },
          valueAt: () => 70,
        }),
      ]
      fake.logging.entries = Array.from({ length: 9 }, (_, i) =>
        buildLogEntry({
          resource: { type: 'k8s_container', labels: { container_name: 'payment-api', namespace_name: 'payments' } },
          timestampMs: now.getTime() - (i + 1) * MINUTE,
          textPayload: `timeout calling fraud-check after 8000ms (order ${1000 + i}, customer erin@example.com)`,
        }),
      )
      fake.errorReporting.events = Array.from({ length: 12 }, (_, i) => ({
        groupId: 'fraud-timeout',
        service: 'payment-api',
        atMs: now.getTime() - (i + 1) * MINUTE,
        message: 'DeadlineExceeded: fraud.v1.Check\n    at authorize (payments.ts:41)',
      }))
      fake.trace.traces = [
        buildTrace('5b8efff798038103d269b633813fc60c', now.getTime() - 4 * MINUTE, { service: 'payment-api', name: 'POST /v1/payments/authorize', ms: 3_300 }, [
          { service: 'fraud-check', name: 'fraud.v1.Check', from: 100, to: 3_150 },
        ]),
      ]
    },
  })
  const gather = (deadlineMs?: number, policyName?: string) =>
    gatherEvidence(gcp.telemetry(), { service: 'payment-api', startedAt, now, deadlineMs, policyName })
  const filterOf = (request: unknown) => (request as { filter?: string }).filter ?? ''

  it('finds the slow dependency in metrics, logs, errors and traces', async () => {
    const evidence = await gather()
    expect(evidence.sourcesMissing).toEqual([])
    expect(evidence.sourcesAnswered.sort()).toEqual(['errors', 'logs', 'metrics', 'traces'])
    expect(evidence.services).toEqual(['payment-api', 'fraud-check', 'checkout-db'])
    const titles = evidence.items.map((i) => i.title)
    expect(titles).toEqual(
      expect.arrayContaining(['payment-api latency_p95_ms', 'fraud-check latency_p95_ms', 'Error group on payment-api: 12 events', 'Slowest trace 3.30 s']),
    )
    expect(evidence.items.find((i) => i.source === 'traces')!.detail).toMatch(/^most time in fraud-check \(fraud\.v1\.Check/)
    expect(evidence.logs.every((l) => !l.message.includes('erin@example.com'))).toBe(true)
    expect(evidence.metrics.find((m) => m.service === 'checkout-db' && m.metric === 'db_connections_used_ratio')).toMatchObject({ anomalous: false })
  })

  it('links each piece of evidence into the project, each service placed where the catalog says it runs', async () => {
    const evidence = await gather()
    const logs = evidence.items.find((i) => i.source === 'logs')!.link!
    expect(logs.startsWith('https://console.cloud.google.com/logs/query;query=')).toBe(true)
    expect(logs.endsWith('?project=shop-prod')).toBe(true)
    expect(decodeURIComponent(logs).split('\n')[0]).toBe(
      'https://console.cloud.google.com/logs/query;query=(resource.labels.container_name=("payment-api")) OR ' +
        '(resource.type="cloud_run_revision" AND resource.labels.service_name="fraud-check") OR ' +
        '(resource.type="cloudsql_database" AND resource.labels.database_id="shop-prod:checkout-db")',
    )
    expect(evidence.items.find((i) => i.source === 'errors')!.link).toBe('https://console.cloud.google.com/errors/detail/fraud-timeout?project=shop-prod')
    expect(evidence.items.find((i) => i.title === 'fraud-check latency_p95_ms')!.link).toMatch(
      /^https:\/\/console\.cloud\.google\.com\/monitoring\/metrics-explorer\?project=shop-prod&/,
    )
  })

  it('reports a source that is down as missing and keeps the others', async () => {
    gcp.fake.logging.controls.failNext({ status: 'UNAVAILABLE', message: 'The service is currently unavailable.' }, 100)
    const evidence = await gather()
    expect(evidence.sourcesMissing).toEqual([{ source: 'logs', reason: 'Cloud Logging: UNAVAILABLE: The service is currently unavailable.' }])
    expect(evidence.sourcesAnswered.sort()).toEqual(['errors', 'metrics', 'traces'])
  })

  it('reports a source answering in an unexpected shape as missing', async () => {
    gcp.fake.errorReporting.controls.answerMalformedNext(5)
    const evidence = await gather()
    expect(evidence.sourcesMissing).toHaveLength(1)
    expect(evidence.sourcesMissing[0]!.source).toBe('errors')
    expect(evidence.sourcesMissing[0]!.reason).toMatch(/^Error Reporting groupStats\.list answered in an unexpected shape/)
  })

  it('reports a source slower than the deadline as missing', async () => {
    gcp.fake.trace.controls.latencyMs = 1_500
    const evidence = await gather(800)
    expect(evidence.sourcesMissing.map((m) => m.source)).toEqual(['traces'])
    expect(evidence.sourcesMissing[0]!.reason).toMatch(/no answer within 800 ms/)
  })
  it('keeps the logs of the services that answered when one service is refused, and says which', async () => {
    gcp.fake.logging.controls.failWhen((_m, request) => filterOf(request).includes('"fraud-check"'), {
      status: 'RESOURCE_EXHAUSTED',
      message: "Quota exceeded for quota metric 'Read requests'",
    })
    const evidence = await gather()
    expect(evidence.sourcesMissing).toEqual([])
    expect(evidence.sourcesAnswered.sort()).toEqual(['errors', 'logs', 'metrics', 'traces'])
    expect(evidence.sourcesPartial).toEqual([
      {
        source: 'logs',
        servicesAnswered: 2,
        servicesAsked: 3,
        failed: [{ service: 'fraud-check', what: 'warnings', reason: "Cloud Logging: RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Read requests'" }],
        note: 'logs: 2 of 3 services answered; fraud-check: RESOURCE_EXHAUSTED',
      },
    ])
    expect(evidence.logs).toHaveLength(9)
    expect(evidence.items.map((i) => i.title)).toEqual(
      expect.arrayContaining(['9 error log entries (9 warnings and above)', 'logs: 2 of 3 services answered; fraud-check: RESOURCE_EXHAUSTED']),
    )
  })

  it('keeps the metrics that answered when one metric of one service fails', async () => {
    gcp.fake.monitoring.controls.failWhen((method, request) => method === 'ListTimeSeries' && filterOf(request).includes('num_backends'), {
      status: 'UNAVAILABLE',
      message: 'The service is currently unavailable.',
    })
    const evidence = await gather()
    expect(evidence.sourcesAnswered).toContain('metrics')
    expect(evidence.sourcesPartial.map((p) => p.note)).toEqual(['metrics: 2 of 3 services answered; checkout-db (db_connections_used_ratio): UNAVAILABLE'])
    expect(evidence.metrics.map((m) => `${m.service} ${m.metric}`)).toEqual(
      expect.arrayContaining(['payment-api latency_p95_ms', 'fraud-check latency_p95_ms']),
    )
    expect(evidence.metrics.some((m) => m.service === 'checkout-db')).toBe(false)
  })

  it('adds the alert policy that fired, looked up in parallel, with a console link', async () => {
    gcp.fake.monitoring.alertPolicies = [buildAlertPolicy()]
    try {
      const evidence = await gather(undefined, 'payment-api p95 latency')
      expect(evidence.alertPolicy).toMatchObject({ name: 'projects/shop-prod/alertPolicies/1234567890', notificationChannelCount: 2 })
      expect(evidence.items.find((i) => i.title.startsWith('Alert policy'))).toEqual(
        expect.objectContaining({
          source: 'metrics',
          title: 'Alert policy payment-api p95 latency: p95 latency above 2 s for 5 min (above 2000 for 5 min)',
          link: 'https://console.cloud.google.com/monitoring/alerting/policies/1234567890?project=shop-prod',
          anomalous: false,
        }),
      )
      expect(gcp.fake.monitoring.controls.callsTo('ListAlertPolicies')).toHaveLength(1)
      expect(evidence.sourcesAnswered.sort()).toEqual(['errors', 'logs', 'metrics', 'traces'])
    } finally {
      gcp.fake.monitoring.alertPolicies = []
    }
  })

  it('says the policy could not be read, without counting a telemetry source missing', async () => {
    gcp.fake.monitoring.controls.failWhen((method) => method === 'ListAlertPolicies', {
      status: 'PERMISSION_DENIED',
      message: 'Permission monitoring.alertPolicies.list denied',
    })
    const evidence = await gather(undefined, 'payment-api p95 latency')
    expect(evidence.alertPolicy).toBeNull()
    expect(evidence.sourcesMissing).toEqual([])
    expect(evidence.items.find((i) => i.title.startsWith('Alert policy'))).toMatchObject({
      title: 'Alert policy payment-api p95 latency: not read',
      detail: 'Cloud Monitoring: PERMISSION_DENIED: Permission monitoring.alertPolicies.list denied',
    })
  })
})
