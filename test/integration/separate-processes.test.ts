import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_WORKSPACE, FakeSlackApi, SlackRequestSender } from '../../src/embedded/slack-simulator'
import { HashingEmbedder } from '../../src/core/correlation/hashing-embedder'
import { createIncident } from '../../src/storage/repositories/incidents'
import { getIncidentEmbedding } from '../../src/storage/repositories/incident-embeddings'
import { eventually } from '../support/eventually'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const NODE = process.execPath

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = ''
  const child = spawn(NODE, ['bin/sre-agent.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

describe('sre-agent migrate, bot and worker as separate processes', () => {
  let database: TestDatabase
  let fakeSlack: FakeSlackApi
  let env: Record<string, string>
  const children: ChildProcess[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    fakeSlack = new FakeSlackApi()
    const { apiUrl } = await fakeSlack.start()
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `proc-${randomBytes(4).toString('hex')}`,
      SLACK_BOT_TOKEN: FAKE_WORKSPACE.botToken,
      SLACK_SIGNING_SECRET: 'process-test-signing-secret',
      SLACK_API_URL: apiUrl,
      INCIDENT_CHANNEL: FAKE_WORKSPACE.channelId,
      ALERT_WEBHOOK_TOKEN: 'process-test-alert-token',
      PLAYBOOKS_DIR: 'test/fixtures/playbooks',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    }
  })

  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM')
    await fakeSlack?.stop()
    await database?.drop()
  })

  it('refuses to start with a malformed setting, naming it', async () => {
    const bad = run(['worker'], { ...env, REDIS_URL: 'localhost:6379' })
    expect(await bad.exited).toBe(78)
    expect(bad.output()).toContain('REDIS_URL: must start with redis:// or rediss://')
  })

  it('migrates, then serves /sre from the bot while a worker process does the analysis', async () => {
    const migrate = run(['migrate'], env)
    expect(await migrate.exited).toBe(0)

    // History embedded by an older model: the worker re-embeds it in the background at start-up.
    const [oldVector] = await new HashingEmbedder(768).embed(['orders-db pool exhausted'])
    const old = await createIncident(database.handle.db, {
      fingerprint: 'old-model',
      source: 'generic',
      severity: 'high',
      status: 'resolved',
      title: 'orders-db pool exhausted',
      startedAt: new Date(Date.now() - 86_400_000),
      embedding: oldVector!,
      embeddingModel: 'local-hashing',
    })

    const bot = run(['bot'], env)
    const worker = run(['worker'], env)
    children.push(bot.child, worker.child)
    const base = `http://127.0.0.1:${env.PORT}`
    await eventually(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok, { timeoutMs: 30_000, what: `bot health (${bot.output()})` })

    const sender = new SlackRequestSender({ baseUrl: base, signingSecret: env.SLACK_SIGNING_SECRET!, fakeSlack })
    const ack = await sender.slashCommand({ text: 'analyze orders-db connection timeouts' })
    expect(ack.status).toBe(200)
    const root = await eventually(
      async () => fakeSlack.rootMessagesIn(FAKE_WORKSPACE.channelId).find((m) => (m.text ?? '').includes('orders-db connection timeouts')),
      { timeoutMs: 30_000, what: `root message (worker: ${worker.output()})` },
    )
    const assessment = await eventually(async () => fakeSlack.thread(FAKE_WORKSPACE.channelId, root.ts).find((m) => (m.text ?? '').startsWith('Assessment:')), {
      timeoutMs: 30_000,
      what: 'assessment in the thread',
    })
    // No telemetry provider is configured here: the trail must say so rather than invent evidence.
    expect(JSON.stringify(fakeSlack.thread(FAKE_WORKSPACE.channelId, root.ts).map((m) => m.blocks))).toContain('no telemetry provider configured')
    expect(assessment.text).toMatch(/confidence \d+%/)
    await eventually(async () => (await getIncidentEmbedding(database.handle.db, old.id))?.model === 'local-hashing-v2', {
      timeoutMs: 30_000,
      what: `re-embedded history (worker: ${worker.output()})`,
    })

    bot.child.kill('SIGTERM')
    worker.child.kill('SIGTERM')
    expect(await bot.exited).toBe(0)
    expect(await worker.exited).toBe(0)
  })
})
