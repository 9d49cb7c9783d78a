/**
 * One Alertmanager delivery of 1,000 alerts, through the real alert route (node:http, the token check,
 * the parser, ingestAlerts) on a fresh temporary Postgres database and a BullMQ queue on the local Redis
 * under a unique prefix (no workers: only the ingestion is measured). Each run sends a batch of new
 * fingerprints (every alert opens an incident and enqueues its analysis); after an unmeasured warm-up it
 * prints the answer time of each run and their median, and how many bytes the alert tables grew by
 * against the body's size. Goals: under 2 s, and under 2× the body size.
 * Run: npm run bench:alert-batch -- [--alerts 1000] [--runs 5]
 * (DATABASE_URL / REDIS_URL override postgres://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379.)
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import { createAlertRoutes } from '../src/ingest/alert-routes'
import { createLogger } from '../src/logger'
import { migrateDatabase, openDatabase, type DatabaseHandle, postgresTarget } from '../src/storage/database'
import { BullmqJobQueue } from '../src/workers/bullmq-queue'

const ANSWER_GOAL_MS = 2000
const STORED_GOAL_RATIO = 2
const TOKEN = 'bench-alert-token-bench-alert-token'
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

const { values: flags } = parseArgs({ options: { alerts: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } } })
const ALERTS = Number.parseInt(flags.alerts, 10)
const RUNS = Number.parseInt(flags.runs, 10)
if (!(ALERTS > 0) || !(RUNS > 0)) throw new Error('--alerts and --runs must be positive integers')

/** A realistic Alertmanager v4 group: per-alert labels and annotations, like a node-exporter fleet alert. */
function alertmanagerBatch(run: string, count: number): string {
  const alerts = Array.from({ length: count }, (_, i) => ({
    status: 'firing',
    labels: {
      alertname: 'HostHighCpuLoad',
      instance: `node-${i}.shop-prod-eu.acme.dev:9100`,
      job: 'node-exporter',
      service: `svc-${i % 40}`,
      severity: i % 10 === 0 ? 'critical' : 'warning',
    },
    annotations: { summary: `CPU load above 90% on node-${i}`, description: `node-${i} has been above 90% CPU for 10 minutes.` },
    startsAt: new Date(Date.now() - 600_000).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: `https://prometheus.acme.dev/graph?g0.expr=node_load1%7Binstance%3D%22node-${i}%22%7D`,
    fingerprint: `${run}-${i.toString(16).padStart(8, '0')}`,
  }))
  return JSON.stringify({
    receiver: 'sre-agent',
    status: 'firing',
    alerts,
    groupLabels: { alertname: 'HostHighCpuLoad' },
    commonLabels: { alertname: 'HostHighCpuLoad', job: 'node-exporter' },
    commonAnnotations: {},
    externalURL: 'https://alertmanager.acme.dev',
    version: '4',
    groupKey: '{}:{alertname="HostHighCpuLoad"}',
    truncatedAlerts: 0,
  })
}

async function storedBytes(handle: DatabaseHandle): Promise<number> {
  const rows = (await handle.db.execute(sql`
    select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes
    from pg_class c where c.relname in ('alerts', 'alert_bodies') and c.relkind = 'r'`)) as unknown as Array<{ bytes: string }>
  return Number(rows[0]!.bytes)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex')
  const dbName = `sre_bench_${runId}`
  const prefix = `sre-bench-${runId}`
  const admin = postgres(...postgresTarget(DATABASE_URL, { max: 1, onnotice: () => {} }))
  await admin.unsafe(`create database ${dbName}`)
  const handle = await openDatabase(DATABASE_URL.replace(/\/[^/]*$/, `/${dbName}`), { poolSize: 5 })
  const queue = new BullmqJobQueue(REDIS_URL, prefix)
  let server: Server | undefined
  try {
    await migrateDatabase(handle)
    const [route] = createAlertRoutes({ db: handle.db, queue, logger: createLogger('warn'), token: TOKEN, maxBodyBytes: 8 * 1024 * 1024 }).filter(
      (r) => r.path === '/alerts/alertmanager',
    )
    server = createServer((req, res) => route!.handler(req, res))
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts/alertmanager`
    const send = async (body: string) => {
      const started = performance.now()
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body })
      const answer = (await res.json()) as { accepted?: number }
      const ms = performance.now() - started
      if (res.status !== 202 || answer.accepted !== ALERTS) throw new Error(`answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)
      return ms
    }
    await send(alertmanagerBatch(`warmup-${runId}`, ALERTS))
    const times: number[] = []
    const ratios: number[] = []
    let bodyBytes = 0
    for (let run = 0; run < RUNS; run++) {
      const body = alertmanagerBatch(`run${run}-${runId}`, ALERTS)
      bodyBytes = Buffer.byteLength(body)
      const before = await storedBytes(handle)
      const ms = await send(body)
      const grown = (await storedBytes(handle)) - before
      times.push(ms)
      ratios.push(grown / bodyBytes)
      console.log(
        `run ${run + 1}: answered in ${ms.toFixed(0)} ms, alert tables grew ${(grown / 1024).toFixed(0)} KB (${(grown / bodyBytes).toFixed(2)}× the body)`,
      )
    }
    const answer = median(times)
    const ratio = median(ratios)
    console.log(`\n${ALERTS}-alert Alertmanager batch, body ${(bodyBytes / 1024).toFixed(0)} KB, ${RUNS} runs`)
    console.log(`answer time median ${answer.toFixed(0)} ms (goal < ${ANSWER_GOAL_MS} ms): ${answer < ANSWER_GOAL_MS ? 'met' : 'NOT met'}`)
    console.log(`stored per batch median ${ratio.toFixed(2)}× the body (goal < ${STORED_GOAL_RATIO}×): ${ratio < STORED_GOAL_RATIO ? 'met' : 'NOT met'}`)
  } finally {
    server?.close()
    await queue.close()
    const redis = new Redis(REDIS_URL)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    await redis.quit()
    await handle.close()
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end({ timeout: 2 })
  }
}

await main()
