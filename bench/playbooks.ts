/**
 * bench:playbooks — what the playbook runner costs per step, apart from the step's own work.
 *
 * Chains of ten `branch` steps (each step's own work is one indexed read) run on real
 * Postgres + BullMQ/Redis with two BullMQ workers and the local Slack fake for progress
 * messages. Per step it records the time from one step job's start to the next one's:
 * queue hop, state reads and writes, progress-message update. First `--sequential`
 * executions one at a time (the overhead itself), then `--executions` at once (throughput,
 * and the per-step latency under that load, which is mostly queueing).
 *
 * Run: npm run bench:playbooks -- [--sequential 30] [--executions 100] [--concurrency 8]
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { WebClient } from '@slack/web-api'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import { loadConfig } from '../src/config'
import { FAKE_WORKSPACE, FakeSlackApi } from '../src/embedded/slack-simulator'
import { createLogger } from '../src/logger'
import { createRuntime } from '../src/runtime'
import { migrateDatabase, openDatabase, postgresTarget } from '../src/storage/database'
import { createIncident } from '../src/storage/repositories/incidents'
import { createExecution, getExecution } from '../src/storage/repositories/playbooks'
import { BullmqWorkers } from '../src/workers/bullmq-queue'
import type { JobHandlers } from '../src/workers/jobs'

const { values: flags } = parseArgs({
  options: { executions: { type: 'string', default: '100' }, sequential: { type: 'string', default: '30' }, concurrency: { type: 'string', default: '8' } },
})
const EXECUTIONS = Number(flags.executions)
const SEQUENTIAL = Number(flags.sequential)
const CONCURRENCY = Number(flags.concurrency)
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * (sorted.length - 1)))] ?? NaN
}

async function main(): Promise<void> {
  const dbName = `bench_playbooks_${randomBytes(4).toString('hex')}`
  const prefix = `bench-pb-${randomBytes(4).toString('hex')}`
  const admin = postgres(...postgresTarget(DATABASE_URL, { max: 1, onnotice: () => {} }))
  await admin.unsafe(`create database ${dbName}`)
  const url = new URL(DATABASE_URL)
  url.pathname = `/${dbName}`
  const fakeSlack = new FakeSlackApi()
  const { apiUrl } = await fakeSlack.start()
  const cleanups: Array<() => Promise<unknown>> = []
  try {
    const migrator = await openDatabase(url.toString())
    await migrateDatabase(migrator)
    await migrator.close()
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      SLACK_BOT_TOKEN: FAKE_WORKSPACE.botToken,
      SLACK_API_URL: apiUrl,
      INCIDENT_CHANNEL: FAKE_WORKSPACE.channelId,
      PLAYBOOKS_DIR: 'bench/fixtures/playbooks',
      LOG_LEVEL: 'silent',
      WORKER_CONCURRENCY: String(CONCURRENCY),
    })
    const runtime = await createRuntime(config, createLogger('silent'), { slackRetries: 0 })
    cleanups.push(() => runtime.close())
    const db = runtime.database.db
    const fakeClient = new WebClient(FAKE_WORKSPACE.botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 } })
    const playbook = runtime.playbooks.find((p) => p.id === 'bench-hops')!

    // When each step job starts, per execution.
    const starts = new Map<string, number[]>()
    const handlers: JobHandlers = {
      ...runtime.handlers,
      'playbook.advance': async (data, meta) => {
        const list = starts.get(data.executionId) ?? []
        list.push(performance.now())
        starts.set(data.executionId, list)
        await runtime.handlers['playbook.advance'](data, meta)
      },
    }
    const workers = [1, 2].map(() => new BullmqWorkers(REDIS_URL, prefix, handlers, createLogger(process.env.LOG_LEVEL ?? 'silent'), CONCURRENCY))
    for (const w of workers) w.start()
    await Promise.all(workers.map((w) => w.waitUntilReady()))
    cleanups.push(() => Promise.all(workers.map((w) => w.close())))

    let counter = 0
    const createRuns = async (n: number) => {
      const ids: string[] = []
      for (let i = 0; i < n; i++) {
        const k = counter++
        const root = await fakeClient.chat.postMessage({ channel: FAKE_WORKSPACE.channelId, text: `bench ${k}` })
        const incident = await createIncident(db, {
          fingerprint: `bench:${k}`,
          source: 'generic',
          title: `bench ${k}`,
          severity: 'info',
          service: 'bench',
          startedAt: new Date(),
          slackChannel: FAKE_WORKSPACE.channelId,
          slackTs: root.ts!,
        })
        const execution = await createExecution(db, {
          playbookId: playbook.id,
          playbookVersion: playbook.version,
          definition: playbook,
          incidentId: incident.id,
          startedBy: 'system',
          slackChannel: FAKE_WORKSPACE.channelId,
          inputs: { service: 'bench', target: 'bench', incident: { number: incident.number, title: incident.title }, confidence: null, rationale: 'bench' },
        })
        ids.push(execution.id)
      }
      return ids
    }
    const runAll = async (ids: string[]) => {
      const started = performance.now()
      await Promise.all(ids.map((executionId) => runtime.queue.enqueue('playbook.advance', { executionId }, { jobId: `advance-${executionId}-0` })))
      for (;;) {
        const states = await Promise.all(ids.map((id) => getExecution(db, id)))
        if (states.every((e) => e?.status === 'completed' || e?.status === 'failed'))
          return { seconds: (performance.now() - started) / 1000, failed: states.filter((e) => e?.status !== 'completed').length }
        if (performance.now() - started > 300_000) throw new Error('executions did not finish within 5 minutes')
        await new Promise((r) => setTimeout(r, 5))
      }
    }
    const gapsOf = (ids: string[]) =>
      ids
        .flatMap((id) => {
          const t = starts.get(id) ?? []
          return t.slice(1).map((v, i) => v - t[i]!)
        })
        .sort((a, b) => a - b)
    const line = (gaps: number[]) =>
      `p50 ${percentile(gaps, 50).toFixed(1)} ms   p95 ${percentile(gaps, 95).toFixed(1)} ms   p99 ${percentile(gaps, 99).toFixed(1)} ms   max ${gaps.at(-1)!.toFixed(1)} ms  (${gaps.length} hops)`

    await runAll(await createRuns(2)) // warm-up: connections, JIT
    const sequentialIds = await createRuns(SEQUENTIAL)
    for (const id of sequentialIds) await runAll([id])
    const idle = gapsOf(sequentialIds)
    const loadedIds = await createRuns(EXECUTIONS)
    const loaded = await runAll(loadedIds)
    const busy = gapsOf(loadedIds)
    const steps = playbook.steps.length
    console.log(
      `bench playbooks: ${steps}-step chains (+1 finishing job), 2 BullMQ workers × concurrency ${CONCURRENCY}, Postgres + Redis + local Slack fake, one process`,
    )
    console.log(`orchestration overhead per step, one execution at a time (${SEQUENTIAL} executions):`)
    console.log(`  ${line(idle)}`)
    console.log(
      `${EXECUTIONS} executions at once: ${(EXECUTIONS / loaded.seconds).toFixed(1)} executions/s, ${((EXECUTIONS * steps) / loaded.seconds).toFixed(0)} steps/s (${loaded.seconds.toFixed(2)} s; ${loaded.failed} not completed)`,
    )
    console.log(`  per-step latency under that load (mostly queueing): ${line(busy)}`)
    console.log(`overhead p95 < 50 ms: ${percentile(idle, 95) < 50 ? 'PASS' : 'FAIL'}`)
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
    await fakeSlack.stop()
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end({ timeout: 2 })
    const redis = new Redis(REDIS_URL)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
