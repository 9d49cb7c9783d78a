/**
 * An alert storm: N distinct alerts (default 2,000) of a few services, sent in a burst through the real
 * alert route (`POST /alerts/generic`, one request each, C in flight) of the embedded product on real
 * Postgres (a fresh temporary database) with in-process jobs, into the Slack simulator limited like Slack
 * (per channel: 60 chat.postMessage/chat.update calls a minute, 429 with Retry-After past it) and the bot
 * pacing itself as configured (SLACK_CHANNEL_INTERVAL_MS 1000, SLACK_CHANNEL_BURST 10). Waits until every
 * incident is either analysed in its own thread or a line in a storm's list, then prints the alerts
 * stored, the incidents grouped, the Slack calls (and 429s), and messages posted per minute.
 * Run: npm run bench:storm -- [--alerts 2000] [--services 5] [--concurrency 50] [--timeout-s 900]
 * (DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test.)
 */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { count, isNotNull, isNull, sql } from 'drizzle-orm'
import postgres from 'postgres'
import { postgresTarget } from '../src/storage/database'
import { startEmbeddedEnvironment, type EmbeddedEnvironment } from '../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, type FakeSlackApi } from '../src/embedded/slack-simulator'
import { alerts, incidents } from '../src/storage/schema'

const CHANNEL = FAKE_WORKSPACE.channelId
const SLACK_LIMIT = { methods: ['chat.postMessage', 'chat.update'], calls: 60, windowMs: 60_000 }

const { values: flags } = parseArgs({
  options: {
    alerts: { type: 'string', default: '2000' },
    services: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '50' },
    'timeout-s': { type: 'string', default: '900' },
  },
})
const ALERTS = positiveInt('alerts', flags.alerts)
const SERVICES = positiveInt('services', flags.services)
const CONCURRENCY = positiveInt('concurrency', flags.concurrency)
const TIMEOUT_MS = positiveInt('timeout-s', flags['timeout-s']) * 1000
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex')
  const dbName = `sre_bench_storm_${runId}`
  const admin = postgres(...postgresTarget(DATABASE_URL, { max: 1, onnotice: () => {} }))
  let env: EmbeddedEnvironment | undefined
  let cleaned: Promise<void> | undefined
  const cleanUp = (): Promise<void> =>
    (cleaned ??= (async () => {
      await env?.stop().catch((err: unknown) => console.error('env.stop failed:', err))
      await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch((err: unknown) => console.error('drop database failed:', err))
      await admin.end({ timeout: 2 })
    })())
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)))
  try {
    await admin.unsafe(`create database ${dbName}`)
    const url = new URL(DATABASE_URL)
    url.pathname = `/${dbName}`
    env = await startEmbeddedEnvironment({
      databaseUrl: url.toString(),
      migrate: true,
      slackRateLimit: SLACK_LIMIT,
      env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', SLACK_CHANNEL_INTERVAL_MS: '1000', SLACK_CHANNEL_BURST: '10' },
    })
    const { STORM_THRESHOLD, STORM_WINDOW_MINUTES } = env.runtime.config
    console.log(
      `bench storm: ${ALERTS} distinct alerts of ${SERVICES} services in a burst (${CONCURRENCY} requests in flight) into one channel; ` +
        `Slack simulator: ${SLACK_LIMIT.calls} posts+edits a minute per channel; storm: ${STORM_THRESHOLD} incidents in ${STORM_WINDOW_MINUTES} min`,
    )
    const startedAt = performance.now()
    const statuses = await sendBurst(env, runId)
    const sendMs = performance.now() - startedAt
    const db = env.runtime.database.db
    const [stored] = await db.select({ n: count() }).from(alerts)
    const [opened] = await db.select({ n: count() }).from(incidents)
    console.log(
      `sent in ${(sendMs / 1000).toFixed(1)} s: ${Object.entries(statuses)
        .map(([status, n]) => `${n} × ${status}`)
        .join(', ')}; alerts stored: ${stored?.n ?? 0}; incidents: ${opened?.n ?? 0}`,
    )

    await waitUntilShown(env, TIMEOUT_MS)
    await env.idle(TIMEOUT_MS)
    const doneMs = performance.now() - startedAt
    const [members] = await db.select({ n: count() }).from(incidents).where(isNotNull(incidents.parentIncidentId))
    const parents = await db
      .select({ number: incidents.number, service: incidents.service, stormSize: incidents.stormSize })
      .from(incidents)
      .where(isNull(incidents.parentIncidentId))
      .orderBy(incidents.number)
    const [analysed] = await db.select({ n: sql<number>`count(distinct incident_id)::int` }).from(sql`analyses`)
    const calls = env.fakeSlack.calls.filter((c) => SLACK_LIMIT.methods.includes(c.method))
    const posts = env.fakeSlack.callsTo('chat.postMessage').filter((c) => c.status === 200)
    const updates = env.fakeSlack.callsTo('chat.update').filter((c) => c.status === 200)
    const refused = calls.filter((c) => c.status === 429).length
    const minutes = doneMs / 60_000
    console.log(`all shown after ${(doneMs / 1000).toFixed(0)} s`)
    console.log(
      `incidents grouped: ${members?.n ?? 0} as lines of ${parents.filter((p) => p.stormSize > 0).length} storms; threads of their own: ${parents.length}`,
    )
    for (const p of parents.filter((p) => p.stormSize > 0)) console.log(`  INC-${p.number} ${p.service}: storm of ${p.stormSize + 1}`)
    console.log(`analyses run: ${analysed?.n ?? 0}; root messages in the channel: ${env.fakeSlack.rootMessagesIn(CHANNEL).length}`)
    console.log(
      `Slack: ${posts.length} messages posted, ${updates.length} edits, ${refused} calls answered 429; ` +
        `${(posts.length / minutes).toFixed(1)} messages posted a minute (${((posts.length + updates.length) / minutes).toFixed(1)} posts+edits), ` +
        `busiest minute ${busiestMinute(env.fakeSlack)} posts+edits`,
    )
  } finally {
    await cleanUp()
  }
}

async function sendBurst(env: EmbeddedEnvironment, runId: string): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {}
  let next = 0
  const worker = async () => {
    while (next < ALERTS) {
      const i = next++
      const service = `storm-svc-${i % SERVICES}`
      const res = await fetch(`${env.baseUrl}/alerts/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.alertToken}` },
        body: JSON.stringify({ title: `${service} replica ${i} unreachable`, service, severity: 'critical', fingerprint: `storm-${runId}-${i}` }),
      })
      await res.arrayBuffer()
      statuses[res.status] = (statuses[res.status] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return statuses
}

/** Until every incident is in a thread of its own or a line of a storm's list (the redraws are delayed jobs). */
async function waitUntilShown(env: EmbeddedEnvironment, timeoutMs: number): Promise<void> {
  const db = env.runtime.database.db
  const deadline = Date.now() + timeoutMs
  let polls = 0
  for (;;) {
    const [row] = await db
      .select({
        members: sql<number>`count(*) filter (where parent_incident_id is not null)::int`,
        own: sql<number>`count(*) filter (where slack_ts is not null)::int`,
        all: count(),
      })
      .from(incidents)
    const lines = stormLines(env.fakeSlack)
    if (row && row.members + row.own === row.all && lines >= row.members) return
    if (Date.now() > deadline) throw new Error(`not all shown after ${timeoutMs} ms: ${JSON.stringify(row)}, ${lines} lines`)
    if (++polls % 30 === 0) {
      const calls = env.fakeSlack.calls.filter((c) => SLACK_LIMIT.methods.includes(c.method))
      console.log(`  … ${row?.members} grouped, ${lines} lines shown, ${calls.length} posts+edits (${calls.filter((c) => c.status === 429).length} × 429)`)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

function stormLines(api: FakeSlackApi): number {
  return api
    .messagesIn(CHANNEL)
    .filter((m) => m.text?.startsWith('Storm:'))
    .reduce((n, m) => n + (m.blocks ?? []).reduce((k, b) => k + ((b as { text?: { text?: string } }).text?.text ?? '').split('\n').length, 0), 0)
}

function busiestMinute(api: FakeSlackApi): number {
  const at = api.calls.filter((c) => c.status === 200 && SLACK_LIMIT.methods.includes(c.method)).map((c) => c.at.getTime())
  let best = 0
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= 60_000) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

function positiveInt(name: string, value: string): number {
  const n = Number.parseInt(value, 10)
  if (!Number.isFinite(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(value)}`)
  return n
}

await main()
