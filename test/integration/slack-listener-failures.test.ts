import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { WebClient } from '@slack/web-api'
import type { JobName, JobQueue } from '../../src/core/jobs/job-queue'
import type { Playbook } from '../../src/core/playbooks/schema'
import { FAKE_WORKSPACE, FakeSlackApi, SlackRequestSender, type RecordedEphemeral } from '../../src/embedded/slack-simulator'
import { createLogger } from '../../src/logger'
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { CANCEL_EXECUTION_ACTION_ID, MANUAL_DONE_ACTION_ID, RUN_PLAYBOOK_ACTION_ID } from '../../src/slack/blocks/playbook-blocks'
import { createSlackApp, type SlackApp } from '../../src/slack/app'
import type { ListenerDeps } from '../../src/slack/listeners/listener-deps'
import { openDatabase, type Database, type DatabaseHandle } from '../../src/storage/database'
import { loadPlaybookFiles } from '../../src/storage/playbook-files'
import { createApprovalRequest, getApprovalRequest, listApprovalVotes } from '../../src/storage/repositories/approvals'
import { createIncident, type Incident } from '../../src/storage/repositories/incidents'
import { createExecution, getExecution, listExecutionSteps, recordExecutionStep, syncPlaybooks } from '../../src/storage/repositories/playbooks'
import { BullmqJobQueue } from '../../src/workers/bullmq-queue'
import { queueNameFor } from '../../src/workers/jobs'
import { eventually } from '../support/eventually'
import { createPastIncident } from '../support/seed-incidents'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const APPROVER = 'U0ALICE'
const REQUESTER = 'U0BOB'
const COULD_NOT = /^:warning: I could not /
/** Members of the simulated workspace (it answers user_not_found for anyone else), one per test that needs a clean slate. */
const MEMBERS = Array.from({ length: 16 }, (_, i) => ({ id: `U0MEMBER${i}`, name: `member${i}` }))

/** The failure injected for the queue: every enqueue rejects, as BullMQ does when Redis is gone. */
const unavailableQueue: JobQueue = {
  enqueue: async () => {
    throw new Error('Connection is closed.')
  },
  schedule: async () => {},
  unschedule: async () => {},
  ping: async () => {
    throw new Error('Connection is closed.')
  },
  close: async () => {},
}

describe('every Slack listener tells the user when the database or the job queue fails (real Bolt app, Slack simulator, Postgres, BullMQ)', () => {
  const prefix = `test-edges-${randomBytes(4).toString('hex')}`
  let database: TestDatabase
  let closedDatabase: DatabaseHandle
  let fakeSlack: FakeSlackApi
  let slackApi: WebClient
  let slack: SlackApp
  let sender: SlackRequestSender
  let jobs: BullmqJobQueue
  let deps: ListenerDeps
  let db: Database
  let incident: Incident
  let playbooks: Playbook[]

  beforeAll(async () => {
    database = await createTestDatabase()
    db = database.handle.db
    // A handle whose pool has been closed: every query through it rejects, as when Postgres goes away.
    closedDatabase = await openDatabase(database.url, { poolSize: 1 })
    await closedDatabase.close()
    playbooks = loadPlaybookFiles('test/fixtures/playbooks')
    await syncPlaybooks(db, playbooks)
    incident = await createIncident(db, {
      fingerprint: 'edges:1',
      source: 'generic',
      title: 'orders-db pool exhausted',
      severity: 'high',
      service: 'orders-db',
      startedAt: new Date(),
      slackChannel: CHANNEL,
    })

    const users = [{ id: APPROVER, name: 'alice' }, { id: REQUESTER, name: 'bob' }, ...MEMBERS]
    fakeSlack = new FakeSlackApi({ channels: [{ id: CHANNEL, name: FAKE_WORKSPACE.channelName }], users })
    const { apiUrl } = await fakeSlack.start()
    slackApi = new WebClient(FAKE_WORKSPACE.botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 } })
    jobs = new BullmqJobQueue(TEST_REDIS_URL, prefix)
    deps = {
      db,
      queue: jobs,
      config: { APPROVERS: [APPROVER], CONFIDENCE_THRESHOLD: 0.5 },
      logger: createLogger('silent'),
      playbooks,
      now: () => new Date(clock),
    }
    const signingSecret = randomBytes(16).toString('hex')
    const options = { botToken: FAKE_WORKSPACE.botToken, signingSecret, slackApiUrl: apiUrl, port: 0, host: '127.0.0.1', routes: [], webClientRetries: 0 }
    slack = createSlackApp(options, deps)
    const { port } = await slack.start()
    sender = new SlackRequestSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack })
  })

  afterAll(async () => {
    await slack?.stop()
    await Promise.all(JOB_NAMES_USED.map(async (name) => withQueue(name, (q) => q.obliterate({ force: true }))))
    await jobs?.close()
    await fakeSlack?.stop()
    await database?.drop()
  })

  beforeEach(() => {
    // Each test a minute later: a playbook start is one job per playbook, incident and minute, whoever clicks.
    clock += 60_000
    deps.db = db
    deps.queue = jobs
    deps.config = { APPROVERS: [APPROVER], CONFIDENCE_THRESHOLD: 0.5 }
  })

  let clock = Date.now()
  const JOB_NAMES_USED: JobName[] = ['playbook.start', 'incident.open-and-analyze', 'approval.apply-decision', 'playbook.show-cancellation', 'playbook.advance']

  async function withQueue<T>(name: JobName, use: (queue: Queue) => Promise<T>): Promise<T> {
    const queue = new Queue(queueNameFor(name), { connection: { url: TEST_REDIS_URL }, prefix })
    try {
      return await use(queue)
    } finally {
      await queue.close()
    }
  }

  /** The jobs of `name` in Redis whose payload has `match`'s fields. */
  async function queued(name: JobName, match: Record<string, unknown>): Promise<unknown[]> {
    const all = await withQueue(name, (q) => q.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']))
    return all.filter((job) => Object.entries(match).every(([k, v]) => (job.data as Record<string, unknown>)[k] === v)).map((job) => job.data)
  }

  /** The jobs queued, once there is one: the listener queues after its ack. */
  const queuedAtLeastOne = (name: JobName, match: Record<string, unknown>) =>
    eventually(async () => queued(name, match).then((found) => found.length > 0 && found), { what: `a ${name} job` })

  /** The ephemerals `user` got after `from` of them, once there are `count`. */
  async function ephemeralsTo(user: string, count = 1, from = 0): Promise<RecordedEphemeral[]> {
    return eventually(
      async () => {
        const mine = fakeSlack.ephemerals.filter((e) => e.user === user).slice(from)
        return mine.length >= count && mine
      },
      { what: `${count} ephemeral(s) to ${user}` },
    )
  }

  const seen = (user: string) => fakeSlack.ephemerals.filter((e) => e.user === user).length
  let members = 0
  const freshUser = () => MEMBERS[members++]!.id

  /** A message with buttons in the channel, as the bot would have posted it. */
  async function postedMessage(): Promise<string> {
    const posted = await slackApi.chat.postMessage({ channel: CHANNEL, text: 'a message with buttons' })
    return posted.ts!
  }

  async function runningExecution(status: 'waiting_approval' | 'waiting_manual', steps: Playbook['steps'] = playbooks[0]!.steps) {
    const playbook = playbooks[0]!
    return createExecution(db, {
      playbookId: playbook.id,
      playbookVersion: playbook.version,
      definition: { ...playbook, steps },
      incidentId: incident.id,
      startedBy: REQUESTER,
      status,
      slackChannel: CHANNEL,
      inputs: { service: 'orders-db', target: 'orders-db', incident: { number: incident.number, title: incident.title }, confidence: null, rationale: 'test' },
    })
  }

  async function pendingApproval() {
    const execution = await runningExecution('waiting_approval')
    return createApprovalRequest(db, {
      incidentId: incident.id,
      executionId: execution.id,
      action: { stepId: 's', title: 't', preview: 'p', risk: 'low', method: 'POST', url: 'http://x', body: {} },
      rationale: 'r',
      requestedBy: REQUESTER,
      approvers: [APPROVER],
      minApprovals: 1,
      expiresAt: new Date(Date.now() + 3_600_000),
    })
  }

  describe('/sre', () => {
    it("incidents: a failing database is told, not swallowed; the reason is the driver's, without SQL", async () => {
      deps.db = closedDatabase.db
      const user = freshUser()
      const res = await sender.slashCommand({ text: 'incidents', channel_id: CHANNEL, user_id: user })
      expect(res.status).toBe(200)
      const [answer] = await ephemeralsTo(user)
      expect(answer!.text).toMatch(/^:warning: I could not list the open incidents \(.+\)\. Please try again in a minute/)
      expect(answer!.text).not.toMatch(/select|Failed query/i)
      expect(answer!.postedVia).toBe('response_url')
    })

    it('incidents: a failing queue does not matter, the list comes back', async () => {
      deps.queue = unavailableQueue
      const user = freshUser()
      await sender.slashCommand({ text: 'incidents', channel_id: CHANNEL, user_id: user })
      expect((await ephemeralsTo(user))[0]!.text).toContain(`INC-${incident.number}`)
    })

    it('run: a failing queue is told after the ack, and a retry queues the run once', async () => {
      deps.queue = unavailableQueue
      const user = freshUser()
      const res = await sender.slashCommand({ text: `run latency-test INC-${incident.number}`, channel_id: CHANNEL, user_id: user })
      expect(JSON.stringify(res.body)).toContain('Starting')
      expect((await ephemeralsTo(user))[0]!.text).toMatch(/^:warning: I could not start the playbook run \(Connection is closed\.\)/)
      expect(await queued('playbook.start', { userId: user })).toEqual([])

      deps.queue = jobs
      await sender.slashCommand({ text: `run latency-test INC-${incident.number}`, channel_id: CHANNEL, user_id: user })
      expect(await queuedAtLeastOne('playbook.start', { userId: user })).toHaveLength(1)
      expect(fakeSlack.ephemerals.filter((e) => e.user === user && COULD_NOT.test(e.text ?? ''))).toHaveLength(1)
    })

    it('run: a failing database does not matter, the run is queued', async () => {
      deps.db = closedDatabase.db
      const user = freshUser()
      await sender.slashCommand({ text: `run latency-test INC-${incident.number}`, channel_id: CHANNEL, user_id: user })
      expect(await queuedAtLeastOne('playbook.start', { userId: user })).toHaveLength(1)
    })

    it('analyze: a failing queue is told in the ack, which never says "Analyzing"', async () => {
      deps.queue = unavailableQueue
      const user = freshUser()
      const res = await sender.slashCommand({ text: 'analyze orders-db timeouts', channel_id: CHANNEL, user_id: user })
      expect((res.body as { text: string }).text).toMatch(/^:warning: I could not queue the analysis of _orders-db timeouts_ \(Connection is closed\.\)/)
      expect((res.body as { text: string }).text).toContain('run the command again')
      expect(await queued('incident.open-and-analyze', { userId: user })).toEqual([])
    })

    it('analyze: a Redis with nothing listening is answered with the truth, not left waiting', async () => {
      const down = new BullmqJobQueue('redis://127.0.0.1:1', prefix)
      try {
        deps.queue = down
        const res = await sender.slashCommand({ text: 'analyze orders-db timeouts', channel_id: CHANNEL, user_id: freshUser() })
        expect(res.status).toBe(200)
        expect((res.body as { text: string }).text).toMatch(/^:warning: I could not queue the analysis .*the job queue \(Redis\) is unavailable/)
      } finally {
        await down.close()
      }
    })

    it('similar and trail: a failing database is told', async () => {
      deps.db = closedDatabase.db
      const user = freshUser()
      await sender.slashCommand({ text: 'similar orders-db pool exhausted', channel_id: CHANNEL, user_id: user })
      await sender.slashCommand({ text: `trail INC-${incident.number}`, channel_id: CHANNEL, user_id: user })
      const answers = (await ephemeralsTo(user, 2)).map((e) => e.text).sort()
      expect(answers[0]).toMatch(/^:warning: I could not read the reasoning trail \(/)
      expect(answers[1]).toMatch(/^:warning: I could not search the incident history \(/)
    })
  })

  describe('/sre similar and CONFIDENCE_THRESHOLD', () => {
    it('calls the same match confident or not as the configured threshold says', async () => {
      await createPastIncident(db, { title: 'checkout-api certificate expired', service: 'checkout-api', resolution: 'renewed the certificate' })
      const ask = async (threshold: number) => {
        deps.config = { APPROVERS: [APPROVER], CONFIDENCE_THRESHOLD: threshold }
        const user = freshUser()
        await sender.slashCommand({ text: 'similar checkout-api certificate expired', channel_id: CHANNEL, user_id: user })
        return (await ephemeralsTo(user))[0]!.text ?? ''
      }
      const lenient = await ask(0)
      const strict = await ask(1)
      expect(lenient).toMatch(/^Similar incidents: INC-\d+/)
      expect(lenient).not.toContain('no confident match')
      expect(strict).toMatch(/^Similar incidents: INC-\d+.*\(no confident match\)/)
    })
  })

  describe('buttons', () => {
    it('Approve: a failing database is told, and nothing is queued', async () => {
      const approval = await pendingApproval()
      deps.db = closedDatabase.db
      await sender.blockAction({ actionId: APPROVE_ACTION_ID, value: approval.id, messageTs: await postedMessage(), channelId: CHANNEL, userId: APPROVER })
      const [answer] = await ephemeralsTo(APPROVER, 1, seen(APPROVER))
      expect(answer!.text).toMatch(/^:warning: I could not record your approval \(/)
      expect(await queued('approval.apply-decision', { approvalId: approval.id })).toEqual([])
      expect(await listApprovalVotes(db, approval.id)).toEqual([])
    })

    it('Approve: a failing queue is told; the vote counts once and a second click queues the decision once', async () => {
      const approval = await pendingApproval()
      const messageTs = await postedMessage()
      const click = () => sender.blockAction({ actionId: APPROVE_ACTION_ID, value: approval.id, messageTs, channelId: CHANNEL, userId: APPROVER })
      deps.queue = unavailableQueue
      const before = seen(APPROVER)
      await click()
      expect((await ephemeralsTo(APPROVER, 1, before))[0]!.text).toMatch(/^:warning: I could not record your approval \(Connection is closed\.\)/)
      expect((await getApprovalRequest(db, approval.id))?.status).toBe('approved')

      deps.queue = jobs
      await click()
      expect((await ephemeralsTo(APPROVER, 2, before))[1]!.text).toMatch(/already approved/)
      await click()
      await ephemeralsTo(APPROVER, 3, before)
      expect(await queued('approval.apply-decision', { approvalId: approval.id })).toHaveLength(1)
      expect(await listApprovalVotes(db, approval.id)).toHaveLength(1)
    })

    it('Cancel: a failing database is told; a failing queue is told and a second click announces the cancel once', async () => {
      const execution = await runningExecution('waiting_approval')
      const messageTs = await postedMessage()
      const click = () => sender.blockAction({ actionId: CANCEL_EXECUTION_ACTION_ID, value: execution.id, messageTs, channelId: CHANNEL, userId: APPROVER })
      const before = seen(APPROVER)
      deps.db = closedDatabase.db
      await click()
      expect((await ephemeralsTo(APPROVER, 1, before))[0]!.text).toMatch(/^:warning: I could not cancel the playbook run \(/)
      expect((await getExecution(db, execution.id))?.status).toBe('waiting_approval')

      deps.db = db
      deps.queue = unavailableQueue
      await click()
      expect((await ephemeralsTo(APPROVER, 2, before))[1]!.text).toMatch(/^:warning: I could not cancel the playbook run \(Connection is closed\.\)/)
      expect((await getExecution(db, execution.id))?.status).toBe('cancelled')

      deps.queue = jobs
      await click()
      expect((await ephemeralsTo(APPROVER, 3, before))[2]!.text).toMatch(/already ended \(cancelled\)/)
      await click()
      await ephemeralsTo(APPROVER, 4, before)
      expect(await queued('playbook.show-cancellation', { executionId: execution.id })).toHaveLength(1)
    })

    it('Done: a failing database is told; a failing queue is told and a second click moves the run on once', async () => {
      const manual = { id: 'restart', kind: 'manual' as const, title: 'Restart the pool', instruction: 'Restart pgbouncer' }
      const execution = await runningExecution('waiting_manual', [manual])
      await recordExecutionStep(db, { executionId: execution.id, position: 0, stepId: 'restart', kind: 'manual', status: 'waiting' })
      const messageTs = await postedMessage()
      const click = () => sender.blockAction({ actionId: MANUAL_DONE_ACTION_ID, value: `${execution.id}:0`, messageTs, channelId: CHANNEL, userId: REQUESTER })
      const before = seen(REQUESTER)
      deps.db = closedDatabase.db
      await click()
      expect((await ephemeralsTo(REQUESTER, 1, before))[0]!.text).toMatch(/^:warning: I could not mark the step done \(/)

      deps.db = db
      deps.queue = unavailableQueue
      await click()
      expect((await ephemeralsTo(REQUESTER, 2, before))[1]!.text).toMatch(/^:warning: I could not mark the step done \(Connection is closed\.\)/)
      expect((await listExecutionSteps(db, execution.id))[0]?.status).toBe('succeeded')

      deps.queue = jobs
      await click()
      expect((await ephemeralsTo(REQUESTER, 3, before))[2]!.text).toMatch(/not waiting any more \(the run is running\)/)
      await click()
      await ephemeralsTo(REQUESTER, 4, before)
      expect(await queued('playbook.advance', { executionId: execution.id })).toHaveLength(1)
    })

    it('Run playbook: a failing queue is told; a failing database does not matter', async () => {
      const messageTs = await postedMessage()
      const offer = { actionId: `${RUN_PLAYBOOK_ACTION_ID}:latency-test`, value: `latency-test:${incident.number}`, messageTs, channelId: CHANNEL }
      const user = freshUser()
      deps.queue = unavailableQueue
      await sender.blockAction({ ...offer, userId: user })
      expect((await ephemeralsTo(user))[0]!.text).toMatch(/^:warning: I could not start the playbook run \(Connection is closed\.\)/)
      expect(await queued('playbook.start', { userId: user })).toEqual([])

      deps.queue = jobs
      deps.db = closedDatabase.db
      await sender.blockAction({ ...offer, userId: user })
      expect((await ephemeralsTo(user, 2))[1]!.text).toMatch(/^:arrow_forward: Starting `latency-test`/)
      expect(await queued('playbook.start', { userId: user })).toHaveLength(1)
    })
  })

  describe('events', () => {
    it('a mention asking for an analysis: a failing queue is told in the thread, to the user alone', async () => {
      deps.queue = unavailableQueue
      const user = freshUser()
      const ts = await postedMessage()
      await sender.event({ type: 'app_mention', user, text: `<@${FAKE_WORKSPACE.botUserId}> analyze orders-db timeouts`, channel: CHANNEL, ts, event_ts: ts })
      const [answer] = await ephemeralsTo(user)
      expect(answer).toMatchObject({ channel: CHANNEL, threadTs: ts, postedVia: 'web_api' })
      expect(answer!.text).toMatch(/^:warning: I could not start the analysis \(Connection is closed\.\)/)
      expect(await queued('incident.open-and-analyze', { userId: user })).toEqual([])
    })

    it('the App Home: a failing database is shown on the tab', async () => {
      deps.db = closedDatabase.db
      const user = freshUser()
      await sender.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1700000000.000001' })
      const view = await eventually(async () => fakeSlack.views.find((v) => v.userId === user), { what: 'the home view' })
      expect(JSON.stringify(view.view)).toMatch(/I could not show your dashboard \(/)
    })
  })
})
