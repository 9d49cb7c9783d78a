/**
 * End-to-end latency of `/sre analyze` on the worker-backed setup, in one process: the real Bolt bot
 * over HTTP, BullMQ workers (default WORKER_CONCURRENCY) on the local Redis under a unique queue
 * prefix, real Postgres+pgvector in a fresh temporary database seeded with a few hundred past
 * incidents (hashing embeddings), the fake Slack Web API and scripted telemetry. It sends N signed
 * slash commands, C in flight, each with a unique text, and measures (1) the ack latency — the HTTP
 * round trip until Bolt's 200 — and (2) the time from sending the request until the first
 * `chat.postMessage` threaded under that incident's root message reaches the fake Slack. After a
 * short unmeasured warm-up it prints p50/p95/p99/max (plus, for context, request → root message and
 * any failed/retrying jobs), the goal checks, then drops the database and deletes `<prefix>:*` in Redis.
 * Acks return before any work is done, so C bounds HTTP requests in flight, not jobs: N requests land as
 * a burst and the first-post figure includes the time the workers need to drain it.
 * With --workers N the jobs run in N separate worker processes (bench/e2e-worker.ts) instead of this one, which keeps the bot and
 * the fake Slack; it also prints incidents/s: requests over the time until every analysis and playbook run reached its wait.
 * Run: npm run bench:e2e -- [--requests 200] [--concurrency 4] [--rate 0] [--seed 300] [--warmup 5] [--timeout-s 180]
 *      [--playbooks test/fixtures/playbooks] [--workers 0]
 * (DATABASE_URL / REDIS_URL override postgres://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379; BENCH_WORKER_EXTRA, a JSON object
 * of settings, is added to the worker processes' configuration, e.g. '{"WORKER_CONCURRENCY":"16","DATABASE_POOL_SIZE":"40"}'.)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import { incidentEmbeddingText } from '../src/core/correlation/embedder'
import { HashingEmbedder } from '../src/core/correlation/hashing-embedder'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../src/core/durations'
import { DEMO_USERS, ONCALL_GROUP, startEmbeddedEnvironment, type EmbeddedEnvironment } from '../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../src/embedded/slack-simulator'
import { migrateDatabase, openDatabase, type Database, postgresTarget, rowsOf } from '../src/storage/database'
import { createIncident, type NewIncident } from '../src/storage/repositories/incidents'
import { EMBEDDING_DIMENSIONS } from '../src/storage/schema'
import { ordersDbExhaustion } from '../test/fakes/scripted-telemetry'

const ACK_GOAL_P99_MS = 100
const FIRST_POST_GOAL_P95_MS = 1000
const CHANNEL = FAKE_WORKSPACE.channelId
// USER_HZ: the unit of /proc's CPU times on Linux (getconf CLK_TCK).
const CLOCK_TICKS_PER_SECOND = 100

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    // Arrivals per second; 0 sends as fast as the in-flight limit allows (a burst).
    rate: { type: 'string', default: '0' },
    seed: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '5' },
    'timeout-s': { type: 'string', default: '180' },
    playbooks: { type: 'string', default: 'test/fixtures/playbooks' },
    // 0 runs the jobs in this process, next to the bot and the fake Slack; N starts N worker processes for them.
    workers: { type: 'string', default: '0' },
  },
})
const REQUESTS = positiveInt('requests', flags.requests)
const CONCURRENCY = positiveInt('concurrency', flags.concurrency)
const RATE = Number(flags.rate)
if (!Number.isFinite(RATE) || RATE < 0) throw new Error(`--rate must be a number ≥ 0, got ${JSON.stringify(flags.rate)}`)
const SEED_COUNT = positiveInt('seed', flags.seed)
const WARMUP = Number.parseInt(flags.warmup, 10) || 0
const WORKERS = Number.parseInt(flags.workers, 10) || 0
const TIMEOUT_MS = positiveInt('timeout-s', flags['timeout-s']) * 1000
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

interface Sent {
  text: string
  sentAt: number
  ackMs: number
}

const COMMAND_TEMPLATES = [
  'orders-db connection timeouts',
  'orders-api timeouts acquiring db connections',
  'web-api latency high, quotes slow',
  'orders-db pool exhausted during checkout',
  'web-api p95 latency above 3s',
]

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex')
  const dbName = `sre_bench_${runId}`
  const queuePrefix = `sre-bench-${runId}`
  const admin = postgres(...postgresTarget(DATABASE_URL, { max: 1, onnotice: () => {} }))
  let env: EmbeddedEnvironment | undefined
  const workerProcesses: ChildProcess[] = []
  let dbCreated = false
  let cleaned: Promise<void> | undefined
  const cleanUp = (): Promise<void> =>
    (cleaned ??= (async () => {
      await Promise.all(workerProcesses.map(stopWorkerProcess))
      await env?.stop().catch((err: unknown) => console.error('env.stop failed:', err))
      if (dbCreated) await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch((err: unknown) => console.error('drop database failed:', err))
      await admin.end({ timeout: 2 })
      await deleteQueueKeys(queuePrefix).catch((err: unknown) => console.error('redis cleanup failed:', err))
    })())
  // Ctrl-C or a closed stdout (`| head`) must still drop the database and the queue keys.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)))
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
  })
  try {
    await admin.unsafe(`create database ${dbName}`)
    dbCreated = true
    const url = new URL(DATABASE_URL)
    url.pathname = `/${dbName}`
    const setup = await openDatabase(url.toString(), { poolSize: 4 })
    try {
      await migrateDatabase(setup)
      await seedHistory(setup.db, SEED_COUNT)
    } finally {
      await setup.close()
    }

    const telemetrySince = Date.now() - 15 * MINUTE_MS
    env = await startEmbeddedEnvironment({
      databaseUrl: url.toString(),
      redisUrl: REDIS_URL,
      queuePrefix,
      telemetry: ordersDbExhaustion(new Date(telemetrySince)),
      env: { PLAYBOOKS_DIR: flags.playbooks, LOG_LEVEL: 'silent' },
      workers: WORKERS === 0,
    })
    const { config } = env.runtime
    for (let i = 0; i < WORKERS; i++) {
      workerProcesses.push(
        await startWorkerProcess({
          DATABASE_URL: url.toString(),
          REDIS_URL,
          QUEUE_PREFIX: queuePrefix,
          SLACK_BOT_TOKEN: FAKE_WORKSPACE.botToken,
          SLACK_SIGNING_SECRET: 'bench-worker',
          SLACK_API_URL: config.SLACK_API_URL!,
          INCIDENT_CHANNEL: CHANNEL,
          APPROVERS: ONCALL_GROUP,
          AUTOMATION_WEBHOOK_URL: config.AUTOMATION_WEBHOOK_URL!,
          TELEMETRY_PROVIDER: 'synthetic',
          PLAYBOOKS_DIR: flags.playbooks,
          LOG_LEVEL: process.env.BENCH_WORKER_LOG ?? 'silent',
          // The simulator has no posting limit, as in the bench's own process (embedded-environment turns pacing off).
          SLACK_CHANNEL_INTERVAL_MS: 0,
          ...JSON.parse(process.env.BENCH_WORKER_EXTRA ?? '{}'),
          telemetrySince,
        }),
      )
    }
    const where = WORKERS === 0 ? '1 process: bot, fake Slack and workers' : `${WORKERS} worker process${WORKERS > 1 ? 'es' : ''}, the bot apart`
    console.log(
      `bench e2e: ${REQUESTS} × /sre analyze, ${RATE > 0 ? `${RATE} req/s paced, ` : 'burst, '}${CONCURRENCY} in flight, ${SEED_COUNT} past incidents, ${WARMUP} warm-up, worker concurrency ${config.WORKER_CONCURRENCY} (BullMQ, ${where})`,
    )

    if (WARMUP > 0) {
      const warm = await sendAll(env, WARMUP, CONCURRENCY, `warmup-${runId}`)
      await waitForFirstPosts(env, warm.length)
      await env.idle(TIMEOUT_MS)
    }

    const threadedBefore = threadedRootCount(env)
    const slackCallsBefore = env.fakeSlack.calls.length
    const cpuBefore = process.cpuUsage()
    const workersCpuBefore = workerProcesses.map(processCpuSeconds)
    const postgresCpuBefore = postgresCpuSeconds()
    const startedAt = performance.now()
    const sent = await sendAll(env, REQUESTS, CONCURRENCY, `run-${runId}`)
    const sendMs = performance.now() - startedAt
    await waitForFirstPosts(env, threadedBefore + sent.length)
    const drainMs = performance.now() - startedAt
    const cpu = process.cpuUsage(cpuBefore)
    await env.idle(TIMEOUT_MS)
    const doneMs = performance.now() - startedAt
    const workersCpu = workerProcesses.map((child, i) => processCpuSeconds(child) - workersCpuBefore[i]!)
    const postgresCpu = postgresCpuBefore === null ? null : postgresCpuSeconds()! - postgresCpuBefore

    const { rootMs, firstPostMs } = await postLatencies(env, sent)
    const ack = sent.map((s) => s.ackMs)
    const cpuShare = (cpu.user + cpu.system) / 1000 / drainMs
    console.log(
      `sent in ${(sendMs / 1000).toFixed(1)} s (${(REQUESTS / (sendMs / 1000)).toFixed(0)} req/s); all first posts after ${(drainMs / 1000).toFixed(1)} s; this process used ${(cpuShare * 100).toFixed(0)}% of a core meanwhile`,
    )
    // Less sensitive than wall time to other load on the machine: what one process does with a whole core.
    if (WORKERS === 0) console.log(`${(REQUESTS / ((cpu.user + cpu.system) / 1e6)).toFixed(1)} incidents per CPU-second of this process until the first posts`)
    // The analyses and their playbook runs up to the approval step: what a worker's throughput is.
    console.log(
      `every analysis and playbook run at its wait after ${(doneMs / 1000).toFixed(1)} s: ${(REQUESTS / (doneMs / 1000)).toFixed(1)} incidents/s (${where})`,
    )
    // What one worker process does with a whole core: the goal is per process, and this machine's other load (the bot, the fake
    // Slack, Postgres, anything else running) takes cores from it that a deployment's worker would have to itself.
    if (workersCpu.length > 0) {
      const seconds = workersCpu.reduce((a, b) => a + b, 0)
      console.log(
        `worker processes used ${workersCpu.map((s) => `${s.toFixed(1)} s`).join(' + ')} of CPU: ${(REQUESTS / seconds).toFixed(1)} incidents per CPU-second of a worker process`,
      )
    }
    // On a shared machine the database's CPU is the other half of the cost of an incident (a local server only: /proc).
    if (postgresCpu !== null) {
      console.log(`Postgres processes used ${postgresCpu.toFixed(1)} s of CPU: ${((postgresCpu * 1000) / REQUESTS).toFixed(1)} ms per incident`)
    }
    // An update that finds no room on its row's page enters the new row version in every index, the HNSW graph included.
    const [updates] = rowsOf(
      await env.runtime.database.db.execute(
        sql`select n_tup_upd::int as updated, n_tup_hot_upd::int as hot from pg_stat_user_tables where relname = 'incidents'`,
      ),
    )
    if (updates) console.log(`incident row updates (whole run, statistics as flushed so far): ${updates.updated}, of which in place (HOT): ${updates.hot}`)
    // Each Web API call costs the worker an HTTPS round trip's worth of client work: how many an incident takes, by method.
    const slackCalls = new Map<string, number>()
    for (const call of env.fakeSlack.calls.slice(slackCallsBefore)) slackCalls.set(call.method, (slackCalls.get(call.method) ?? 0) + 1)
    const perIncident = [...slackCalls].sort((a, b) => b[1] - a[1]).map(([method, n]) => `${method} ${(n / REQUESTS).toFixed(1)}`)
    console.log(`Slack Web API calls per incident: ${perIncident.join(', ')}`)
    const trouble = await queueTrouble(env, queuePrefix)
    if (trouble) console.log(`queues after the run: ${trouble}`)
    console.log('')
    printTable([
      ['ack (HTTP 200)', ack],
      ['root message (info)', rootMs],
      ['first threaded post', firstPostMs],
    ])
    console.log('')
    console.log(`ack p99 < ${ACK_GOAL_P99_MS} ms: ${percentile(ack, 99) < ACK_GOAL_P99_MS ? 'PASS' : 'FAIL'}`)
    console.log(
      `first post p95 < ${FIRST_POST_GOAL_P95_MS / 1000} s: ${firstPostMs.length === sent.length && percentile(firstPostMs, 95) < FIRST_POST_GOAL_P95_MS ? 'PASS' : 'FAIL'}`,
    )
  } finally {
    await cleanUp()
  }
}

/** Starts bench/e2e-worker.ts with these settings and waits until its workers listen. */
async function startWorkerProcess(settings: Record<string, string | number>): Promise<ChildProcess> {
  // This process's node flags (--import tsx, and --cpu-prof when profiling) apply to the workers too.
  const child = spawn(process.execPath, [...process.execArgv, 'bench/e2e-worker.ts'], {
    env: { ...process.env, BENCH_WORKER_CONFIG: JSON.stringify(settings) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`bench worker process exited with ${code} before it was ready`)))
  })
  return child
}

/** CPU seconds (user + system) a child process has used so far, from /proc (Linux). */
function processCpuSeconds(child: ChildProcess): number {
  return pidCpuSeconds(child.pid!)
}

/** CPU seconds the local Postgres server's processes (postmaster, backends, background workers) have used so far; null without /proc. */
function postgresCpuSeconds(): number | null {
  if (!existsSync('/proc/self/stat')) return null
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += pidCpuSeconds(Number(entry))
    } catch {
      // the process ended while the directory was read
    }
  }
  return total
}

function pidCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** Past incidents with varied titles across services and symptoms, resolved weeks ago, with embeddings. */
async function seedHistory(db: Database, count: number): Promise<void> {
  const embedder = new HashingEmbedder(EMBEDDING_DIMENSIONS)
  const services = ['orders-db', 'orders-api', 'web-api', 'quotes', 'payments-api', 'inventory-db', 'auth-service', 'search-api']
  const symptoms = [
    ['connection pool exhausted', 'connection leak after a driver upgrade', 'restarted pgbouncer and rolled back the driver', 'db-connection-test'],
    ['p95 latency above 2s', 'slow dependency call without a timeout', 'enabled the circuit breaker', 'latency-test'],
    ['5xx error rate above 5%', 'bad deploy', 'rolled back the release', null],
    ['CPU saturated', 'runaway batch job', 'paused the batch job', null],
    ['disk almost full', 'log rotation disabled', 'cleaned old logs and re-enabled rotation', null],
    ['timeouts talking to upstream', 'upstream rate limiting', 'raised the quota', null],
    ['memory leak, pods OOMKilled', 'unbounded cache', 'capped the cache size', null],
    ['replication lag growing', 'long-running transaction', 'killed the transaction', 'db-connection-test'],
  ] as const
  const outcomes = ['worked', 'worked', 'worked', 'failed', 'unknown'] as const
  for (let i = 0; i < count; i++) {
    const service = services[i % services.length]!
    const [symptom, rootCause, resolution, playbookId] = symptoms[(i * 3 + Math.floor(i / services.length)) % symptoms.length]!
    const startedAt = new Date(Date.now() - (7 + (i % 180)) * DAY_MS - (i % 24) * HOUR_MS)
    const values: NewIncident = {
      fingerprint: `bench-past:${i}`,
      source: 'generic',
      status: 'resolved',
      severity: i % 4 === 0 ? 'critical' : 'high',
      title: `${service} ${symptom}${i % 3 === 0 ? ` in ${['eu', 'us', 'asia'][i % 9 === 0 ? 0 : 1]}` : ''} (#${i})`,
      summary: `${symptom} on ${service}`,
      service,
      startedAt,
      resolvedAt: new Date(startedAt.getTime() + HOUR_MS),
      rootCause,
      resolution,
      resolutionOutcome: outcomes[i % outcomes.length]!,
      playbookId,
    }
    const [embedding] = await embedder.embed([incidentEmbeddingText(values)])
    await createIncident(db, { ...values, embedding: embedding! })
  }
}

/** Sends `count` signed `/sre analyze` commands, `concurrency` at a time; each text is unique. */
async function sendAll(env: EmbeddedEnvironment, count: number, concurrency: number, tag: string): Promise<Sent[]> {
  const sent: Sent[] = []
  let next = 0
  const start = Date.now()
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      // Paced arrivals: request i is due i/RATE seconds after the start.
      if (RATE > 0) await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / RATE - Date.now())))
      const text = `${COMMAND_TEMPLATES[i % COMMAND_TEMPLATES.length]} ${tag}-${i}`
      const sentAt = Date.now()
      const res = await env.sender.slashCommand({ text: `analyze ${text}`, channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
      if (res.status !== 200) throw new Error(`/sre analyze answered ${res.status}: ${JSON.stringify(res.body)}`)
      sent.push({ text, sentAt, ackMs: res.elapsedMs })
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane))
  return sent
}

/** Root messages (posted without thread_ts) that have at least one threaded chat.postMessage under them. */
function threadedRootCount(env: EmbeddedEnvironment): number {
  const posts = env.fakeSlack.callsTo('chat.postMessage')
  const roots = new Set(posts.filter((c) => c.args.thread_ts === undefined && c.answer.ok).map((c) => c.answer.ts as string))
  return new Set(posts.map((c) => c.args.thread_ts).filter((ts): ts is string => typeof ts === 'string' && roots.has(ts))).size
}

async function waitForFirstPosts(env: EmbeddedEnvironment, expected: number): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS
  while (threadedRootCount(env) < expected) {
    if (Date.now() > deadline) {
      console.error(`timed out after ${TIMEOUT_MS / 1000} s: ${threadedRootCount(env)} of ${expected} threads got their first post`)
      return
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Maps each command to its incident (title = the text after "analyze"), its root message and its first threaded post. */
async function postLatencies(env: EmbeddedEnvironment, sent: Sent[]): Promise<{ rootMs: number[]; firstPostMs: number[] }> {
  const { incidents } = await import('../src/storage/schema')
  const { eq } = await import('drizzle-orm')
  const rows = await env.runtime.database.db.select({ title: incidents.title, slackTs: incidents.slackTs }).from(incidents).where(eq(incidents.source, 'slack'))
  const rootByTitle = new Map(rows.map((r) => [r.title, r.slackTs]))
  const rootPostedAt = new Map<string, number>()
  const firstPostAt = new Map<string, number>()
  for (const call of env.fakeSlack.callsTo('chat.postMessage')) {
    const ts = call.args.thread_ts
    if (typeof ts === 'string' && !firstPostAt.has(ts)) firstPostAt.set(ts, call.at.getTime())
    if (ts === undefined && typeof call.answer.ts === 'string') rootPostedAt.set(call.answer.ts, call.at.getTime())
  }
  const rootMs: number[] = []
  const firstPostMs: number[] = []
  for (const s of sent) {
    const root = rootByTitle.get(s.text)
    const rootAt = root ? rootPostedAt.get(root) : undefined
    const firstAt = root ? firstPostAt.get(root) : undefined
    if (rootAt !== undefined) rootMs.push(rootAt - s.sentAt)
    if (firstAt !== undefined) firstPostMs.push(firstAt - s.sentAt)
  }
  const missing = sent.length - firstPostMs.length
  if (missing > 0) console.error(`${missing} of ${sent.length} commands got no threaded post`)
  return { rootMs, firstPostMs }
}

/** Failed or retrying jobs left in the bench's queues, e.g. "incident-analyze: 2 failed"; '' when none. */
async function queueTrouble(env: EmbeddedEnvironment, prefix: string): Promise<string> {
  const { Queue } = await import('bullmq')
  const { queueNameFor } = await import('../src/workers/jobs')
  const { JOB_NAMES } = await import('../src/core/jobs/job-queue')
  const parts: string[] = []
  for (const name of JOB_NAMES) {
    const queue = new Queue(queueNameFor(name), { connection: { url: env.runtime.config.REDIS_URL }, prefix })
    try {
      const counts = await queue.getJobCounts('failed', 'delayed')
      const failed = counts.failed ?? 0
      // approval.expire jobs are delayed by design; anything else delayed is a retry.
      const retrying = name === 'approval.expire' ? 0 : (counts.delayed ?? 0)
      if (failed > 0 || retrying > 0) {
        const reasons = new Map<string, number>()
        for (const job of await queue.getJobs(['failed', 'delayed'], 0, 200)) {
          if (!job.failedReason) continue
          reasons.set(job.failedReason, (reasons.get(job.failedReason) ?? 0) + 1)
        }
        const top = [...reasons]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([reason, n]) => `${n}× "${reason.slice(0, 160)}"`)
        parts.push(`${queueNameFor(name)}: ${failed} failed, ${retrying} awaiting retry${top.length ? ` (${top.join(', ')})` : ''}`)
      }
    } finally {
      await queue.close()
    }
  }
  return parts.join('; ')
}

async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 })
  try {
    let cursor = '0'
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
      cursor = nextCursor
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    await redis.quit()
  }
}

function printTable(rows: Array<[string, number[]]>): void {
  const header = ['', 'count', 'p50', 'p95', 'p99', 'max']
  const body = rows.map(([name, xs]) => [name, String(xs.length), ...[50, 95, 99].map((p) => ms(percentile(xs, p))), ms(Math.max(...xs))])
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i]!.length)))
  for (const row of [header, ...body]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
}

/** Nearest-rank percentile; NaN for no samples. */
function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

function ms(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—'
}

function positiveInt(name: string, raw: string): number {
  const n = Number.parseInt(raw, 10)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`)
  return n
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
