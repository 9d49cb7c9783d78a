import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { ServiceCatalog } from '../../src/integrations/gcp/service-catalog'
import { listBlueprintEdgeHistory, listBlueprintEdges } from '../../src/storage/repositories/blueprint-edges'
import type { FakeSpan, FakeTrace } from '../fakes/gcp/fake-cloud-trace-server'
import { FakeGcp } from '../fakes/gcp/fake-gcp'
import { gcpTelemetryAgainst, type HarnessHandle } from '../fakes/gcp/gcp-telemetry-harness'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const T0 = Date.parse('2026-05-14T10:00:00Z')
// Declares payment-api → fraud-check and payment-api → checkout-db.
const catalog = ServiceCatalog.load(new URL('../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')

function span(spanId: string, service: string, startMs: number, ms: number, more: Partial<FakeSpan> = {}): FakeSpan {
  return { spanId, name: `${service} work`, startMs, endMs: startMs + ms, labels: { 'service.name': service, ...more.labels }, ...more }
}

/** payment-api serves a request: it calls fraud-check (a traced server) and queries checkout-db (a client span with db.* labels). */
function paymentTrace(traceId: string, at: number): FakeTrace {
  return {
    traceId,
    spans: [
      span('1', 'payment-api', at, 120),
      span('2', 'fraud-check', at + 5, 40, { parentSpanId: '1', kind: 'RPC_SERVER' }),
      span('3', 'payment-api', at + 50, 9, { parentSpanId: '1', kind: 'RPC_CLIENT', labels: { 'db.system': 'postgresql', 'peer.service': 'checkout-db' } }),
    ],
  }
}

describe('the blueprint refresh against the Cloud Trace fake, on Postgres, posting to the Slack simulator', () => {
  let database: TestDatabase
  let fake: FakeGcp
  let gcp: HarnessHandle
  let env: EmbeddedEnvironment
  let clock = new Date(T0)
  const notices = () => env.fakeSlack.messagesIn(FAKE_WORKSPACE.channelId).filter((m) => m.text?.startsWith('Service blueprint:'))
  const refresh = (jobId: string, attempt = 1) => env.runtime.handlers['blueprint.refresh']({}, { jobId, attempt })

  beforeAll(async () => {
    database = await createTestDatabase()
    fake = await FakeGcp.start()
    gcp = gcpTelemetryAgainst(fake, { redisUrl: TEST_REDIS_URL, catalog })
    env = await startEmbeddedEnvironment({
      databaseUrl: database.url,
      telemetry: gcp.telemetry,
      now: () => clock,
      env: { BLUEPRINT_CHANNEL: FAKE_WORKSPACE.channelId, BLUEPRINT_INTERVAL_MINUTES: '60', BLUEPRINT_EDGE_TTL_DAYS: '14' },
    })
  })
  afterAll(async () => {
    await env?.stop()
    await gcp?.close()
    await fake?.close()
    await database?.drop()
  })

  it('derives edges from one ListTraces sample of the last interval and announces them once, retries included', async () => {
    fake.trace.traces = [paymentTrace('a1', T0 - 40 * MINUTE), paymentTrace('a2', T0 - 20 * MINUTE), paymentTrace('old', T0 - 3 * HOUR)]
    await refresh('run-1')
    await refresh('run-1', 2)

    const calls = fake.trace.controls.callsTo('ListTraces')
    expect(calls).toHaveLength(1)
    expect(calls[0]!.request).toMatchObject({ view: 'COMPLETE', pageSize: '100', startTime: '2026-05-14T09:00:00.000Z', endTime: '2026-05-14T10:00:00.000Z' })
    expect(calls[0]!.request).not.toHaveProperty('filter')

    const edges = await listBlueprintEdges(env.runtime.database.db)
    expect(edges).toEqual([
      expect.objectContaining({ from: 'payment-api', to: 'checkout-db', kind: 'db', source: 'both', callsPerHour: 2, errorRate: 0, p95Ms: 9, version: 1 }),
      expect.objectContaining({ from: 'payment-api', to: 'fraud-check', kind: 'call', source: 'both', callsPerHour: 2, version: 1 }),
    ])
    expect(notices()).toHaveLength(1)
    const text = JSON.stringify(notices()[0]!.blocks)
    expect(text).toContain('new database dependency: payment-api → checkout-db (first seen 09:20 UTC, 2 calls/h)')
    expect(text).toContain('new dependency: payment-api → fraud-check (first seen 09:20 UTC, 2 calls/h)')
  })

  it('posts one notice with the one new edge on the next run, and none for edges it already knew', async () => {
    clock = new Date(T0 + HOUR)
    fake.trace.traces.push(paymentTrace('b1', T0 + 30 * MINUTE), {
      traceId: 'b2',
      spans: [span('1', 'checkout-api', T0 + 35 * MINUTE, 300), span('2', 'payment-api', T0 + 35 * MINUTE + 10, 200, { parentSpanId: '1' })],
    })
    await refresh('run-2')
    expect(notices()).toHaveLength(2)
    const blocks = notices()[1]!.blocks!.filter((b) => b.type === 'section')
    expect(blocks).toHaveLength(2)
    expect(JSON.stringify(blocks[1])).toContain('new dependency: checkout-api → payment-api (first seen 10:35 UTC, 1 calls/h)')
    expect((await listBlueprintEdges(env.runtime.database.db)).map((e) => `${e.from}>${e.to}:${e.source}:v${e.version}`)).toEqual([
      'checkout-api>payment-api:observed:v1',
      'payment-api>checkout-db:both:v1',
      'payment-api>fraud-check:both:v1',
    ])
  })

  it('posts what a stored refresh changed when its job is retried after Slack refused the post, once', async () => {
    clock = new Date(T0 + 2 * HOUR)
    fake.trace.traces.push({
      traceId: 'c1',
      spans: [span('1', 'cart', T0 + 90 * MINUTE, 30), span('2', 'inventory', T0 + 90 * MINUTE + 5, 20, { parentSpanId: '1' })],
    })
    env.fakeSlack.failNext('chat.postMessage', 'channel_not_found')
    await expect(refresh('run-retried')).rejects.toThrow()
    expect(notices()).toHaveLength(2)
    // The edges were stored; the retry finds the run's changes instead of merging again (which would find nothing new).
    clock = new Date(T0 + 2 * HOUR + MINUTE)
    await refresh('run-retried', 2)
    await refresh('run-retried', 3)
    expect(notices()).toHaveLength(3)
    expect(JSON.stringify(notices()[2]!.blocks)).toContain('new dependency: cart → inventory (first seen 11:30 UTC, 1 calls/h)')
    expect((await listBlueprintEdges(env.runtime.database.db)).find((e) => e.from === 'cart')).toMatchObject({ to: 'inventory', version: 1 })
  })

  it('retires an edge not seen for the TTL (kept in history), keeps a declared one as declared, and says so', async () => {
    clock = new Date(T0 + 16 * DAY)
    await refresh('run-3')
    expect(notices()).toHaveLength(4)
    const text = JSON.stringify(notices()[3]!.blocks)
    expect(text).toContain('cart no longer calls inventory (last seen 15 days ago)')
    // Last seen 10:35 on the first day: 15 whole days before.
    expect(text).toContain('checkout-api no longer calls payment-api (last seen 15 days ago)')
    expect(text).toContain('payment-api no longer calls fraud-check (last seen 15 days ago); still declared')
    expect(text).toContain('payment-api no longer queries checkout-db (last seen 15 days ago); still declared')

    const db = env.runtime.database.db
    expect((await listBlueprintEdges(db)).map((e) => `${e.from}>${e.to}:${e.source}`)).toEqual([
      'payment-api>checkout-db:declared',
      'payment-api>fraud-check:declared',
    ])
    const retired = (await listBlueprintEdges(db, { includeRetired: true })).find((e) => e.from === 'checkout-api')
    expect(retired).toMatchObject({ retiredAt: clock, version: 2 })
    const history = await listBlueprintEdgeHistory(db, 'checkout-api', 'payment-api')
    expect(history.map((h) => [h.version, h.edge.retiredAt?.toISOString() ?? null])).toEqual([
      [1, null],
      [2, clock.toISOString()],
    ])
  })
})
