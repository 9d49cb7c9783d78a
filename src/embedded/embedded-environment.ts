import { randomBytes } from 'node:crypto'
import type { Queue } from 'bullmq'
import { loadConfig } from '../config'
import type { TelemetryPort } from '../core/telemetry/port'
import { createLogger, type Logger } from '../logger'
import { createBot } from '../roles/bot'
import { createRuntime, type Runtime } from '../runtime'
import type { SlackApp } from '../slack/app'
import { BullmqWorkers } from '../workers/bullmq-queue'
import { JOB_NAMES } from '../core/jobs/job-queue'
import { queueNameFor } from '../workers/jobs'
import { enqueueReembedHistory } from '../workers/processors/history-reembed'
import { AutomationReceiver } from './automation-receiver'
import { type ChannelRateLimit, FAKE_WORKSPACE, FakeSlackApi, SlackRequestSender } from './slack-simulator'

export const DEMO_USERS = {
  approver: { id: 'U0ALICE', name: 'alice' },
  other: { id: 'U0BOB', name: 'bob' },
} as const
export const ONCALL_GROUP = 'S0ONCALL'
export const CHECKOUT_CHANNEL = 'C0CHECKOUT'
/** Where the telemetry scan warns when TELEMETRY_WARNING_CHANNEL names it (the demo does). */
export const WARNINGS_CHANNEL = 'C0SREWARN'

export interface EmbeddedEnvironmentOptions {
  /** Defaults to pglite://memory (embedded). A postgres:// URL runs on real Postgres. */
  databaseUrl?: string
  /** When set, jobs go through BullMQ and workers run in this process. */
  redisUrl?: string
  queuePrefix?: string
  telemetry?: TelemetryPort
  now?: () => Date
  logger?: Logger
  env?: Record<string, string>
  /** Whether migrations should be applied to a postgres:// database here. */
  migrate?: boolean
  /** With Redis: false leaves the jobs to separate `sre-agent worker` processes. */
  workers?: boolean
  automation?: AutomationReceiver
  /** A posting limit for the simulated Slack, like the real one's (pair it with SLACK_CHANNEL_INTERVAL_MS in `env`). */
  slackRateLimit?: ChannelRateLimit
}

export interface EmbeddedEnvironment {
  runtime: Runtime
  fakeSlack: FakeSlackApi
  sender: SlackRequestSender
  automation: AutomationReceiver
  bot: SlackApp
  baseUrl: string
  alertToken: string
  /** Resolves when no job is pending (in-process or BullMQ). */
  idle(timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

/**
 * The whole product on one machine: a local Slack (fake Web API + signed requests
 * into the real Bolt app), a stand-in automation endpoint, and the real bot and
 * job handlers on PGlite (or Postgres) with in-process jobs (or BullMQ).
 */
export async function startEmbeddedEnvironment(options: EmbeddedEnvironmentOptions = {}): Promise<EmbeddedEnvironment> {
  const fakeSlack = new FakeSlackApi({
    channels: [
      { id: FAKE_WORKSPACE.channelId, name: FAKE_WORKSPACE.channelName },
      { id: CHECKOUT_CHANNEL, name: 'checkout-team' },
      { id: WARNINGS_CHANNEL, name: 'sre-warnings' },
    ],
    users: [DEMO_USERS.approver, DEMO_USERS.other, { id: FAKE_WORKSPACE.userId, name: FAKE_WORKSPACE.userName }],
    usergroups: { [ONCALL_GROUP]: [DEMO_USERS.approver.id, FAKE_WORKSPACE.userId] },
    rateLimit: options.slackRateLimit,
  })
  const { apiUrl } = await fakeSlack.start()
  const automation = options.automation ?? new AutomationReceiver()
  const automationUrl = await automation.start()
  const signingSecret = randomBytes(16).toString('hex')
  const alertToken = randomBytes(16).toString('hex')
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl ?? 'pglite://memory',
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.queuePrefix ?? `sre-embedded-${randomBytes(4).toString('hex')}`,
    SLACK_BOT_TOKEN: FAKE_WORKSPACE.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: apiUrl,
    INCIDENT_CHANNEL: FAKE_WORKSPACE.channelId,
    APPROVERS: ONCALL_GROUP,
    ALERT_WEBHOOK_TOKEN: alertToken,
    AUTOMATION_WEBHOOK_URL: automationUrl,
    TELEMETRY_PROVIDER: 'synthetic',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    // The simulator has no posting limit unless a test or benchmark gives it one (and sets the pacing with it).
    SLACK_CHANNEL_INTERVAL_MS: '0',
    ...options.env,
  })
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, { role: 'embedded' })
  if (options.migrate && config.DATABASE_URL.startsWith('postgres')) {
    const { openDatabase, migrateDatabase } = await import('../storage/database')
    const handle = await openDatabase(config.DATABASE_URL)
    await migrateDatabase(handle)
    await handle.close()
  }
  const runtime = await createRuntime(config, logger, { telemetry: options.telemetry, now: options.now, slackRetries: 0 })
  const workers =
    config.REDIS_URL && options.workers !== false
      ? new BullmqWorkers(config.REDIS_URL, config.QUEUE_PREFIX, runtime.handlers, logger, config.WORKER_CONCURRENCY, config.WORKER_LOCK_MS)
      : null
  workers?.start()
  await workers?.waitUntilReady()
  // As a worker does at start: history embedded by an older model is re-embedded (separate workers do it themselves).
  if (runtime.inProcessQueue || workers) await enqueueReembedHistory(runtime.queue, runtime.deps.embedder.name)
  const bot = createBot(runtime, { slackRetries: 0 })
  const { port } = await bot.start()
  const baseUrl = `http://127.0.0.1:${port}`
  const sender = new SlackRequestSender({ baseUrl, signingSecret, fakeSlack })

  return {
    runtime,
    fakeSlack,
    sender,
    automation,
    bot,
    baseUrl,
    alertToken,
    async idle(timeoutMs = 20_000) {
      if (runtime.inProcessQueue) return runtime.inProcessQueue.idle()
      await waitForBullmqIdle(config.REDIS_URL!, config.QUEUE_PREFIX, timeoutMs)
    },
    async stop() {
      await bot.stop()
      await workers?.close()
      await runtime.close()
      await automation.stop()
      await fakeSlack.stop()
    },
  }
}

async function waitForBullmqIdle(redisUrl: string, prefix: string, timeoutMs: number): Promise<void> {
  const { Queue: BullQueue } = await import('bullmq')
  const queues = JOB_NAMES.map((n) => new BullQueue(queueNameFor(n), { connection: { url: redisUrl }, prefix }))
  const deadline = Date.now() + timeoutMs
  try {
    let quietRounds = 0
    while (Date.now() < deadline) {
      const busy = (await Promise.all(queues.map(hasPendingWork))).some(Boolean)
      quietRounds = busy ? 0 : quietRounds + 1
      // Two quiet looks in a row: a job that finished may have just enqueued the next one.
      if (quietRounds >= 2) return
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`jobs still running after ${timeoutMs} ms`)
  } finally {
    await Promise.all(queues.map((queue) => queue.close()))
  }
}

/**
 * Whether a queue has work to wait for: a job waiting or running, or a failed one waiting for its
 * retry. A delayed job that never ran is planned for later (an approval's expiry, the next scheduled
 * scan, the next re-embedding pass) and idle does not wait for it.
 */
async function hasPendingWork(queue: Queue): Promise<boolean> {
  const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'delayed')
  if (Object.entries(counts).some(([state, n]) => state !== 'delayed' && n > 0)) return true
  if (!counts.delayed) return false
  return (await queue.getDelayed()).some((job) => job.attemptsMade > 0)
}
