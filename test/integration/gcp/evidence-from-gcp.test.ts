import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { gatherEvidence } from '../../../src/core/analysis/gather-evidence'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildLogEntry, buildSeries, buildTrace } from '../../fakes/gcp/fake-data-builders'
import { FakeGcp } from '../../fakes/gcp/fake-gcp'
import { gcpTelemetryAgainst } from '../../fakes/gcp/gcp-telemetry-harness'
import { TEST_REDIS_URL } from '../../support/services'

const MINUTE = 60_000
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')

describe('evidence for an incident, gathered from the four Google Cloud APIs', () => {
  let fake: FakeGcp
  const open: Array<{ close(): Promise<void> }> = []
  const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE)
  const startedAt = new Date(now.getTime() - 15 * MINUTE)
  const slowSince = (high: number, low: number) => (t: number) => (t > startedAt.getTime() ? high : low)

  beforeAll(async () => {
    fake = await FakeGcp.start()
    fake.monitoring.series = [
      buildSeries({ resourceLabels: { container_name: 'payment-api', namespace_name: 'payments' }, valueAt: slowSince(3_100, 210) }),
      buildSeries({ metricType: 'run.googleapis.com/request_latencies', resourceType: 'cloud_run_revision', resourceLabels: { service_name: 'fraud-check' }, valueAt: slowSince(2_800, 60) }),
      buildSeries({ metricType: 'cloudsql.googleapis.com/database/postgresql/num_backends', resourceType: 'cloudsql_database', resourceLabels: { database_id: 'shop-prod:checkout-db' }, valueAt: () => 70 }),
    ]
    fake.logging.entries = Array.from({ length: 9 }, (_, i) =>
      buildLogEntry({ resource: { type: 'k8s_container', labels: { container_name: 'payment-api', namespace_name: 'payments' } }, timestampMs: now.getTime() - (i + 1) * MINUTE, textPayload: `timeout calling fraud-check after 8000ms (order ${1000 + i}, customer erin@example.com)` }),
    )
    fake.errorReporting.events = Array.from({ length: 12 }, (_, i) => ({ groupId: 'fraud-timeout', service: 'payment-api', atMs: now.getTime() - (i + 1) * MINUTE, message: 'DeadlineExceeded: fraud.v1.Check\n    at authorize (payments.ts:41)' }))
    fake.trace.traces = [buildTrace('5b8efff798038103d269b633813fc60c', now.getTime() - 4 * MINUTE, { service: 'payment-api', name: 'POST /v1/payments/authorize', ms: 3_300 }, [{ service: 'fraud-check', name: 'fraud.v1.Check', from: 100, to: 3_150 }])]
  })
  afterAll(async () => { await fake.close() })
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close()
    for (const c of Object.values(fake.controls)) c.reset()
  })
  const gather = (deadlineMs?: number) => {
    const h = gcpTelemetryAgainst(fake, { redisUrl: TEST_REDIS_URL, catalog })
    open.push(h)
    return gatherEvidence(h.telemetry, { service: 'payment-api', startedAt, now, projectId: 'shop-prod', deadlineMs })
  }

  it('finds the slow dependency in metrics, logs, errors and traces', async () => {
    const evidence = await gather()
    expect(evidence.sourcesMissing).toEqual([])
    expect(evidence.sourcesAnswered.sort()).toEqual(['errors', 'logs', 'metrics', 'traces'])
    expect(evidence.services).toEqual(['payment-api', 'fraud-check', 'checkout-db'])
    const titles = evidence.items.map((i) => i.title)
    expect(titles).toEqual(expect.arrayContaining(['payment-api latency_p95_ms', 'fraud-check latency_p95_ms', 'Error group on payment-api: 12 events', 'Slowest trace 3.30 s']))
    expect(evidence.items.find((i) => i.source === 'traces')!.detail).toMatch(/^most time in fraud-check \(fraud\.v1\.Check/)
    expect(evidence.logs.every((l) => !l.message.includes('erin@example.com'))).toBe(true)
    expect(evidence.metrics.find((m) => m.service === 'checkout-db' && m.metric === 'db_connections_used_ratio')).toMatchObject({ anomalous: false })
  })

  it('reports a source that is down as missing and keeps the others', async () => {
    fake.logging.controls.failNext({ status: 'UNAVAILABLE', message: 'The service is currently unavailable.' }, 100)
    const evidence = await gather()
    expect(evidence.sourcesMissing).toEqual([{ source: 'logs', reason: 'Cloud Logging: UNAVAILABLE: The service is currently unavailable.' }])
    expect(evidence.sourcesAnswered.sort()).toEqual(['errors', 'metrics', 'traces'])
  })

  it('reports a source answering in an unexpected shape as missing', async () => {
    fake.errorReporting.controls.answerMalformedNext(5)
    const evidence = await gather()
    expect(evidence.sourcesMissing).toHaveLength(1)
    expect(evidence.sourcesMissing[0]!.source).toBe('errors')
    expect(evidence.sourcesMissing[0]!.reason).toMatch(/^Error Reporting groupStats\.list answered in an unexpected shape/)
  })

  it('reports a source slower than the deadline as missing', async () => {
    fake.trace.controls.latencyMs = 1_500
    const evidence = await gather(800)
    expect(evidence.sourcesMissing.map((m) => m.source)).toEqual(['traces'])
    expect(evidence.sourcesMissing[0]!.reason).toMatch(/no answer within 800 ms/)
  })
})
