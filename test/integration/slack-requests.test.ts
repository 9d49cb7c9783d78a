import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { ANALYZE_TEXT_MAX_CHARS } from '../../src/core/jobs/job-queue'
import { FAKE_WORKSPACE, FakeSlackApi, SlackRequestSender } from '../../src/embedded/slack-simulator'
import { RedisSeenSignatures } from '../../src/integrations/redis/redis-seen-signatures'
import { createLogger } from '../../src/logger'
import { createSlackApp, type SlackApp } from '../../src/slack/app'
import type { SeenSignatures } from '../../src/slack/replay/seen-signatures'
import { loadPlaybookFiles } from '../../src/storage/playbook-files'
import { createIncident } from '../../src/storage/repositories/incidents'
import { BullmqJobQueue } from '../../src/workers/bullmq-queue'
import { queueNameFor } from '../../src/workers/jobs'
import { eventually } from '../support/eventually'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const MINUTE_S = 60

describe('signed Slack requests run once: replays and future timestamps are refused (real Bolt apps, Redis, BullMQ, Postgres)', () => {
  const prefix = `test-replays-${randomBytes(4).toString('hex')}`
  const signingSecret = randomBytes(16).toString('hex')
  let database: TestDatabase
  let fakeSlack: FakeSlackApi
  let jobs: BullmqJobQueue
  const apps: SlackApp[] = []
  const stores: SeenSignatures[] = []
  /** Two bot replicas sharing the Redis store, and one alone with its memory (as embedded). */
  let replicaA: SlackRequestSender
  let replicaB: SlackRequestSender
  let embedded: SlackRequestSender
  let unreachableRedis: SlackRequestSender

  async function startReplica(seenSignatures: SeenSignatures | undefined): Promise<SlackRequestSender> {
    const { apiUrl } = fakeSlack
    const deps = {
      db: database.handle.db,
      queue: jobs,
      config: { APPROVERS: ['U0ALICE'], CONFIDENCE_THRESHOLD: 0.5 },
      logger: createLogger('silent'),
      playbooks: loadPlaybookFiles('test/fixtures/playbooks'),
      now: () => new Date(),
    }
    const options = { botToken: FAKE_WORKSPACE.botToken, signingSecret, slackApiUrl: apiUrl, port: 0, host: '127.0.0.1', routes: [], webClientRetries: 0 }
    const app = createSlackApp({ ...options, seenSignatures }, deps)
    apps.push(app)
    const { port } = await app.start()
    return new SlackRequestSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack })
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    fakeSlack = new FakeSlackApi({ channels: [{ id: CHANNEL, name: FAKE_WORKSPACE.channelName }] })
    await fakeSlack.start()
    jobs = new BullmqJobQueue(TEST_REDIS_URL, prefix)
    const shared = new RedisSeenSignatures(TEST_REDIS_URL, prefix)
    // Nothing listens on port 1: every call to this store fails, as when Redis is down.
    const down = new RedisSeenSignatures('redis://127.0.0.1:1', prefix)
    stores.push(shared, down)
    replicaA = await startReplica(shared)
    replicaB = await startReplica(shared)
    embedded = await startReplica(undefined)
    unreachableRedis = await startReplica(down)
  })

  afterAll(async () => {
    for (const app of apps) await app.stop()
    for (const store of stores) await store.close()
    const queue = new Queue(queueNameFor('incident.open-and-analyze'), { connection: { url: TEST_REDIS_URL }, prefix })
    await queue.obliterate({ force: true })
    await queue.close()
    await jobs?.close()
    await fakeSlack?.stop()
    await database?.drop()
  })

  /** The open-and-analyze jobs queued for `userId`. */
  async function analyzeJobsOf(userId: string): Promise<unknown[]> {
    const queue = new Queue(queueNameFor('incident.open-and-analyze'), { connection: { url: TEST_REDIS_URL }, prefix })
    try {
      const all = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'])
      return all.filter((job) => (job.data as { userId: string }).userId === userId).map((job) => job.data)
    } finally {
      await queue.close()
    }
  }

  const queuedOnce = (userId: string) => eventually(async () => (await analyzeJobsOf(userId)).length > 0, { what: `a job for ${userId}` })

  /** `/sre <text>` from `userId`, served (200) and queued: the request to replay. */
  async function servedAndQueued(replica: SlackRequestSender, text: string, userId: string) {
    const first = await replica.slashCommand({ text, user_id: userId })
    expect(first.status).toBe(200)
    await queuedOnce(userId)
    return first
  }

  it('a replayed /sre analyze is answered 401 and opens one incident, on the same replica and on another', async () => {
    const user = 'U0REPLAY1'
    const first = await servedAndQueued(replicaA, 'analyze checkout-db connection timeouts', user)

    const replays = [await replicaA.replay(first.request), await replicaA.replay(first.request), await replicaB.replay(first.request)]

    expect(replays.map((r) => r.status)).toEqual([401, 401, 401])
    expect(await analyzeJobsOf(user)).toHaveLength(1)
  })

  it('a replay is refused by an embedded bot, which remembers signatures in memory', async () => {
    const user = 'U0REPLAY2'
    const first = await servedAndQueued(embedded, 'analyze orders-db slow', user)

    expect((await embedded.replay(first.request)).status).toBe(401)
    expect(await analyzeJobsOf(user)).toHaveLength(1)
  })

  it('while the shared store is unreachable, each replica still refuses replays it has seen itself', async () => {
    const user = 'U0REPLAY3'
    const first = await servedAndQueued(unreachableRedis, 'analyze payments-api errors', user)

    expect((await unreachableRedis.replay(first.request)).status).toBe(401)
    expect(await analyzeJobsOf(user)).toHaveLength(1)
  })

  it('a request stamped 6 minutes in the future is refused; 4 minutes ahead (clock skew inside the window) is served', async () => {
    const nowSec = Math.floor(Date.now() / 1000)
    const future = await replicaA.slashCommand({ text: 'analyze future-db down', user_id: 'U0FUTURE6' }, { timestampSec: nowSec + 6 * MINUTE_S })
    const skewed = await replicaA.slashCommand({ text: 'analyze skewed-db down', user_id: 'U0FUTURE4' }, { timestampSec: nowSec + 4 * MINUTE_S })

    expect(future.status).toBe(401)
    expect(skewed.status).toBe(200)
    await queuedOnce('U0FUTURE4')
    expect(await analyzeJobsOf('U0FUTURE6')).toHaveLength(0)
  })

  it('a stale request (10 minutes old) and a wrong signature stay refused', async () => {
    expect((await replicaA.slashCommand({ text: 'analyze old-db', user_id: 'U0STALE' }, { stale: true })).status).toBe(401)
    expect((await replicaA.slashCommand({ text: 'analyze forged-db', user_id: 'U0FORGED' }, { signingSecret: 'not-the-secret' })).status).toBe(401)
    expect(await analyzeJobsOf('U0STALE')).toHaveLength(0)
    expect(await analyzeJobsOf('U0FORGED')).toHaveLength(0)
  })
})

describe('commands and the App Home answer what they were given, truthfully and escaped', () => {
  let fakeSlack: FakeSlackApi
  let database: TestDatabase
  let jobs: BullmqJobQueue
  let slack: SlackApp
  let sender: SlackRequestSender
  const prefix = `test-analyze-text-${randomBytes(4).toString('hex')}`

  beforeAll(async () => {
    database = await createTestDatabase()
    fakeSlack = new FakeSlackApi({ channels: [{ id: CHANNEL, name: FAKE_WORKSPACE.channelName }] })
    const { apiUrl } = await fakeSlack.start()
    jobs = new BullmqJobQueue(TEST_REDIS_URL, prefix)
    const signingSecret = randomBytes(16).toString('hex')
    const deps = {
      db: database.handle.db,
      queue: jobs,
      config: { APPROVERS: ['U0ALICE'], CONFIDENCE_THRESHOLD: 0.5 },
      logger: createLogger('silent'),
      playbooks: [],
      now: () => new Date(),
    }
    slack = createSlackApp({ botToken: FAKE_WORKSPACE.botToken, signingSecret, slackApiUrl: apiUrl, port: 0, host: '127.0.0.1', routes: [] }, deps)
    const { port } = await slack.start()
    sender = new SlackRequestSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack })
  })

  afterAll(async () => {
    await slack?.stop()
    const queue = new Queue(queueNameFor('incident.open-and-analyze'), { connection: { url: TEST_REDIS_URL }, prefix })
    await queue.obliterate({ force: true })
    await queue.close()
    await jobs?.close()
    await fakeSlack?.stop()
    await database?.drop()
  })

  async function queuedFor(userId: string): Promise<number> {
    const queue = new Queue(queueNameFor('incident.open-and-analyze'), { connection: { url: TEST_REDIS_URL }, prefix })
    try {
      return (await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter((j) => (j.data as { userId: string }).userId === userId)
        .length
    } finally {
      await queue.close()
    }
  }

  it('a description over the limit is answered "too long" with the limit, queues nothing, and never says the queue is unavailable', async () => {
    const text = `analyze checkout-db ${'timeouts '.repeat(400)}`
    const sent = await sender.slashCommand({ text, user_id: 'U0LONG' })

    const answer = (sent.body as { text: string }).text
    expect(sent.status).toBe(200)
    expect(answer).toContain('too long')
    expect(answer).toContain(String(ANALYZE_TEXT_MAX_CHARS))
    expect(answer).not.toMatch(/could not|try again in a minute/i)
    expect(await queuedFor('U0LONG')).toBe(0)
  })

  it('a description at the limit is analysed', async () => {
    const description = 'x'.repeat(ANALYZE_TEXT_MAX_CHARS)
    const sent = await sender.slashCommand({ text: `analyze ${description}`, user_id: 'U0ATLIMIT' })

    expect((sent.body as { text: string }).text).toContain('Analyzing')
    await eventually(async () => (await queuedFor('U0ATLIMIT')) === 1, { what: 'the job at the limit' })
  })

  it('/sre incidents and the App Home show an alert title that pings the channel or forges a link as text', async () => {
    await createIncident(database.handle.db, {
      fingerprint: 'hostile:1',
      source: 'generic',
      title: 'db down <!channel> <https://evil.example|approve here>',
      severity: 'critical',
      service: '<@U123>',
      startedAt: new Date(),
      slackChannel: CHANNEL,
    })
    await sender.slashCommand({ text: 'incidents', user_id: 'U0LISTER' })
    const listed = await eventually(async () => fakeSlack.ephemerals.find((e) => e.user === 'U0LISTER'), { what: 'the incident list' })
    await sender.event({ type: 'app_home_opened', user: 'U0HOME', channel: 'D0HOME', tab: 'home', event_ts: '1700000000.000100' })
    const home = await eventually(async () => fakeSlack.views.find((v) => v.userId === 'U0HOME'), { what: 'the App Home' })

    for (const shown of [listed.text ?? '', JSON.stringify(listed.blocks), JSON.stringify(home.view)]) {
      expect(shown).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/)
      expect(shown).toContain('&lt;!channel&gt;')
    }
  })

  it('a description that mentions the channel or forges a link is echoed escaped', async () => {
    const sent = await sender.slashCommand({ text: 'analyze <!channel> <@U123> <https://evil.example|approve here>', user_id: 'U0HOSTILE' })

    const answer = (sent.body as { text: string }).text
    expect(answer).not.toMatch(/<!channel>|<@U123>|<https:/)
    expect(answer).toContain('&lt;!channel&gt;')
  })
})
