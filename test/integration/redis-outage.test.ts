import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { analyzeJobId, resolutionJobId, sweptResolutionJobId, type JobName, type JobQueue } from '../../src/core/jobs/job-queue'
import { createAlertRoutes } from '../../src/ingest/alert-routes'
import { createLogger } from '../../src/logger'
import { openDatabase, type DatabaseHandle } from '../../src/storage/database'
import { eq } from 'drizzle-orm'
import { startAnalysis } from '../../src/storage/repositories/analyses'
import { appendAudit } from '../../src/storage/repositories/audit'
import { analyses, incidents } from '../../src/storage/schema'
import { getIncident, updateIncident } from '../../src/storage/repositories/incidents'
import { BullmqJobQueue } from '../../src/workers/bullmq-queue'
import { queueNameFor } from '../../src/workers/jobs'
import { processIncidentRequeueMissed, REQUEUE_GRACE_MS, REQUEUE_STALE_ANALYSIS_MS } from '../../src/workers/processors/incident-requeue-missed'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const logger = createLogger('silent')
const TOKEN = 'outage-token-outage-token'
/** Nothing listens on port 1: every connection is refused, as when Redis is down. */
const REDIS_DOWN_URL = 'redis://127.0.0.1:1'

describe('no accepted alert is lost when Redis is down or loses its data (real Postgres, real BullMQ)', () => {
  const prefix = `test-outage-${randomBytes(4).toString('hex')}`
  let database: TestDatabase
  let closedDatabase: DatabaseHandle
  let downQueue: BullmqJobQueue
  let queue: BullmqJobQueue
  const servers: Server[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    closedDatabase = await openDatabase(database.url, { poolSize: 1 })
    await closedDatabase.close()
    downQueue = new BullmqJobQueue(REDIS_DOWN_URL, prefix)
    queue = new BullmqJobQueue(TEST_REDIS_URL, prefix)
  })

  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve))
    for (const name of ['incident.analyze', 'incident.announce-resolution'] as JobName[]) await withQueue(name, (q) => q.obliterate({ force: true }))
    await downQueue?.close()
    await queue?.close()
    await database?.drop()
  })

  async function withQueue<T>(name: JobName, use: (q: Queue) => Promise<T>): Promise<T> {
    const q = new Queue(queueNameFor(name), { connection: { url: TEST_REDIS_URL }, prefix })
    try {
      return await use(q)
    } finally {
      await q.close()
    }
  }

  const jobIds = (name: JobName) => withQueue(name, async (q) => (await q.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).map((j) => j.id))

  /** The bot's alert routes on a real HTTP server, over the given database and queue. */
  async function alertServer(db: DatabaseHandle['db'], jobs: JobQueue): Promise<string> {
    const routes = createAlertRoutes({ db, queue: jobs, logger, token: TOKEN, maxBodyBytes: 1_000_000 })
    const server = createServer((req, res) => {
      const route = routes.find((r) => r.path === new URL(req.url ?? '/', 'http://x').pathname)
      if (route) route.handler(req, res)
      else res.writeHead(404).end()
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  const post = (baseUrl: string, body: unknown) =>
    fetch(`${baseUrl}/alerts/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    })

  const alert = (overrides: Record<string, unknown> = {}) => ({
    title: 'payments-api 5xx above 5%',
    service: 'payments-api',
    severity: 'critical',
    fingerprint: `outage-${randomBytes(4).toString('hex')}`,
    ...overrides,
  })

  /** The sweep as the scheduled job runs it, a little past the grace period. */
  const sweep = (at = new Date(Date.now() + REQUEUE_GRACE_MS + 1000)) => processIncidentRequeueMissed({ db: database.handle.db, queue, logger, now: () => at })

  it('answers 202 when Redis is down (the alert is stored), and the sweep queues its analysis once Redis is back', async () => {
    const baseUrl = await alertServer(database.handle.db, downQueue)
    const res = await post(baseUrl, alert())
    expect(res.status).toBe(202)
    const answer = (await res.json()) as { analysis: string; results: Array<{ outcome: string; incident: { id: string } }> }
    expect(answer.analysis).toBe('deferred')
    expect(answer.results[0]!.outcome).toBe('opened')
    const incidentId = answer.results[0]!.incident.id
    expect(await getIncident(database.handle.db, incidentId)).toMatchObject({ status: 'open' })
    expect(await jobIds('incident.analyze')).not.toContain(analyzeJobId(incidentId))

    await sweep(new Date())
    expect(await jobIds('incident.analyze')).not.toContain(analyzeJobId(incidentId))
    await sweep()
    expect(await jobIds('incident.analyze')).toContain(analyzeJobId(incidentId))
  })

  it('leaves a storm member alone: it is a line in its storm thread, never analysed on its own', async () => {
    const baseUrl = await alertServer(database.handle.db, downQueue)
    const opened = async (title: string) =>
      ((await (await post(baseUrl, alert({ title }))).json()) as { results: Array<{ incident: { id: string } }> }).results[0]!.incident.id
    const first = await opened('catalog-api 5xx (first)')
    const member = await opened('catalog-api 5xx (member)')
    await database.handle.db.update(incidents).set({ parentIncidentId: first }).where(eq(incidents.id, member))
    await sweep()
    const queued = await jobIds('incident.analyze')
    expect(queued).toContain(analyzeJobId(first))
    expect(queued).not.toContain(analyzeJobId(member))
  })

  it('answers a whole batch with one deadline, not one per alert', async () => {
    const baseUrl = await alertServer(database.handle.db, downQueue)
    const res = await fetch(`${baseUrl}/alerts/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ alerts: Array.from({ length: 5 }, () => alert()) }),
    })
    expect(res.status).toBe(202)
    const answer = (await res.json()) as { accepted: number; analysis: string }
    expect(answer).toMatchObject({ accepted: 5, analysis: 'deferred' })
  })

  it('answers 503 when the alert could not be stored', async () => {
    const baseUrl = await alertServer(closedDatabase.db, downQueue)
    const res = await post(baseUrl, alert())
    expect(res.status).toBe(503)
  })

  it('queues the analysis again after Redis lost its data, under the same job id', async () => {
    const baseUrl = await alertServer(database.handle.db, queue)
    const res = await post(baseUrl, alert({ title: 'ledger-db replication lag' }))
    expect(res.status).toBe(202)
    const answer = (await res.json()) as { analysis: string; results: Array<{ incident: { id: string } }> }
    expect(answer.analysis).toBe('queued')
    const incidentId = answer.results[0]!.incident.id
    expect(await jobIds('incident.analyze')).toContain(analyzeJobId(incidentId))

    // What a Redis restart without persistence does to this deployment's keys.
    await withQueue('incident.analyze', (q) => q.obliterate({ force: true }))
    expect(await jobIds('incident.analyze')).toEqual([])

    await sweep()
    await sweep()
    expect((await jobIds('incident.analyze')).filter((id) => id === analyzeJobId(incidentId))).toHaveLength(1)
  })

  it('queues an analysis again when Redis lost its job mid-analysis, but not one still young', async () => {
    const baseUrl = await alertServer(database.handle.db, queue)
    const answer = (await (await post(baseUrl, alert({ title: 'inventory-api OOM kills' }))).json()) as { results: Array<{ incident: { id: string } }> }
    const incidentId = answer.results[0]!.incident.id
    // A worker started the analysis, then Redis restarted empty: the row says "running" and no job will ever finish it.
    const analysis = await startAnalysis(database.handle.db, incidentId)
    await withQueue('incident.analyze', (q) => q.obliterate({ force: true }))

    await sweep()
    expect(await jobIds('incident.analyze')).not.toContain(analyzeJobId(incidentId))

    await database.handle.db
      .update(analyses)
      .set({ startedAt: new Date(Date.now() - REQUEUE_STALE_ANALYSIS_MS - 60_000) })
      .where(eq(analyses.id, analysis.id))
    await sweep()
    expect(await jobIds('incident.analyze')).toContain(analyzeJobId(incidentId))
  })

  it('announces a resolution whose job was lost, once', async () => {
    const baseUrl = await alertServer(database.handle.db, downQueue)
    const firing = alert({ title: 'search-api latency' })
    const opened = (await (await post(baseUrl, firing)).json()) as { results: Array<{ incident: { id: string } }> }
    const incidentId = opened.results[0]!.incident.id
    // Its thread was posted before Redis went away.
    await updateIncident(database.handle.db, incidentId, { slackChannel: 'C1', slackTs: '1.000001' })
    const resolved = await post(baseUrl, { ...firing, status: 'resolved' })
    expect(resolved.status).toBe(202)

    // The first job may have run before the thread existed and still be held as completed: the sweep's id is its own.
    await withQueue('incident.announce-resolution', (q) => q.add('incident.announce-resolution', { incidentId }, { jobId: resolutionJobId(incidentId) }))
    await sweep()
    expect(await jobIds('incident.announce-resolution')).toContain(sweptResolutionJobId(incidentId))

    // Announced: the audit row says so, and the sweep leaves it alone even once the job is gone.
    await appendAudit(database.handle.db, { actor: 'system', action: 'incident.resolved', incidentId, subjectType: 'incident', subjectId: incidentId })
    await withQueue('incident.announce-resolution', (q) => q.obliterate({ force: true }))
    await sweep()
    expect(await jobIds('incident.announce-resolution')).not.toContain(sweptResolutionJobId(incidentId))
  })
})

describe('the bot process while Redis is down (real bot, real Postgres, nothing listening for Redis)', () => {
  let database: TestDatabase
  let down: EmbeddedEnvironment
  let up: EmbeddedEnvironment

  beforeAll(async () => {
    database = await createTestDatabase()
    const queuePrefix = `test-readyz-${randomBytes(4).toString('hex')}`
    down = await startEmbeddedEnvironment({ databaseUrl: database.url, redisUrl: REDIS_DOWN_URL, queuePrefix, workers: false })
    up = await startEmbeddedEnvironment({ databaseUrl: database.url, redisUrl: TEST_REDIS_URL, queuePrefix, workers: false })
  })

  afterAll(async () => {
    await down?.stop()
    await up?.stop()
    await database?.drop()
  })

  it('/readyz answers 503 naming the queue, while /healthz stays 200', async () => {
    const ready = await fetch(`${down.baseUrl}/readyz`)
    expect(ready.status).toBe(503)
    const body = (await ready.json()) as { ready: boolean; checks: { postgres: string; queue: string } }
    expect(body.ready).toBe(false)
    expect(body.checks.postgres).toBe('ok')
    expect(body.checks.queue).not.toBe('ok')
    expect((await fetch(`${down.baseUrl}/healthz`)).status).toBe(200)
  })

  it('/readyz answers 200 when Postgres and Redis answer', async () => {
    const ready = await fetch(`${up.baseUrl}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ ready: true, checks: { postgres: 'ok', queue: 'ok' } })
  })

  it('/readyz answers 503 naming Postgres when the database is gone', async () => {
    const closed = await openDatabase(database.url, { poolSize: 1 })
    await closed.close()
    const { readinessRoute } = await import('../../src/roles/readiness')
    const route = readinessRoute({ db: closed.db, queue: up.runtime.queue })
    const server = createServer((req, res) => route.handler(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const ready = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`)
      expect(ready.status).toBe(503)
      const body = (await ready.json()) as { checks: { postgres: string; queue: string } }
      expect(body.checks.postgres).not.toBe('ok')
      expect(body.checks.queue).toBe('ok')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('answers an alert 202 (stored, analysis deferred) instead of hanging', async () => {
    const res = await fetch(`${down.baseUrl}/alerts/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${down.alertToken}` },
      body: JSON.stringify({ title: 'cart-api down', service: 'cart-api', severity: 'critical', fingerprint: `cart-${randomBytes(3).toString('hex')}` }),
    })
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ accepted: 1, analysis: 'deferred' })
  })
})
