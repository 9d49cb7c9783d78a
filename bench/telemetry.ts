/**
 * Evidence gathering during an incident storm, against the four fake Google APIs speaking the
 * real protocols (gRPC Monitoring and Logging, REST Error Reporting and Trace) through the real
 * clients. The fakes serve the synthetic shop (the demo's slow fraud-check and exhausted
 * checkout-db pool) with 100 ms injected on every call and per-project quotas that refuse past
 * their limit: Monitoring 6,000 / min, Logging 60 / min (entries.list), Error Reporting
 * 600 / min, Trace 300 units / min (a ListTraces costs 25, GetTrace 1).
 *
 * N incident analyses (gatherEvidence then localiseRootCause, the telemetry an analysis asks for) start together, spread
 * over W worker processes sharing one Redis. Each alert storm hits the services of the fleet
 * several times: a service's alerts (several policies firing) start within the same minute;
 * different services' incidents started up to 4 minutes apart.
 *
 * Two runs:
 *   shared    — the deployment as shipped: one response cache with cross-worker coalescing and
 *               one token bucket per API in Redis, set to the quota (GCP_QUOTA_* defaults).
 *   isolated  — what a naive client does: every analysis with its own cache and no shared limit
 *               (backoff on 429 still on), so the fakes' quotas do the refusing.
 * Printed per run: calls per API (accepted / refused by the API, and the most units sent within
 * any 60 s, refused calls included, against the quota), calls the shared limit refused before
 * sending, cache hit ratio, provider requests per analysis, the time of both steps p50 / p95 / max, and how many analyses got
 * each source. The fakes and both workers share this machine's cores: in the isolated run the
 * fakes themselves become the bottleneck, so its times say more about the machine than the APIs.
 * Run: npm run bench:telemetry -- [--incidents 50] [--workers 2] [--latency-ms 100] [--deadline-ms 5000] [--runs shared,isolated]
 * (REDIS_URL overrides redis://127.0.0.1:6379.)
 */
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as grpc from '@grpc/grpc-js'
import { Redis } from 'ioredis'
import { localiseRootCause } from '../src/core/analysis/rca/localise-root-cause'
import { gatherEvidence } from '../src/core/analysis/evidence/gather-evidence'
import { MINUTE_MS } from '../src/core/durations'
import { MetricSeriesReuse } from '../src/core/telemetry/metric-series-reuse'
import type { ApiStats } from '../src/integrations/gcp/api-call-gate'
import { LIST_TRACES_UNITS } from '../src/integrations/gcp/cloud-trace-traces'
import { assembleGcpTelemetry } from '../src/integrations/gcp/create-gcp-telemetry'
import { GCP_APIS, type GcpApi } from '../src/integrations/gcp/gcp-api'
import { createGcpClients, type GcpClients } from '../src/integrations/gcp/gcp-clients'
import type { GcpTelemetry } from '../src/integrations/gcp/gcp-telemetry'
import type { RateLimit } from '../src/integrations/gcp/quota/redis-token-bucket'
import { createDemoFleet, SYNTHETIC_FLEET } from '../src/integrations/telemetry/synthetic'
import { FakeGcp, fakeGoogleAuth } from '../test/fakes/gcp/fake-gcp'
import { deleteKeys } from '../test/fakes/gcp/gcp-telemetry-harness'
import { serveSyntheticFleet, syntheticFleetCatalog } from '../test/fakes/gcp/synthetic-gcp-source'

const PROJECT = 'shop-prod'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const SOURCES = ['metrics', 'logs', 'errors', 'traces'] as const
type Source = (typeof SOURCES)[number]
type RunName = 'shared' | 'isolated'

/** The project's quotas as the fakes enforce them (units per minute). */
const PROJECT_QUOTA: Record<GcpApi, number> = { monitoring: 6_000, logging: 60, error_reporting: 600, trace: 300 }
/** The shared limiter, at the shipped GCP_QUOTA_* defaults; each at most the quota. */
const SHARED_LIMITS: Record<GcpApi, RateLimit> = {
  monitoring: { unitsPerMinute: 3_000 },
  logging: { unitsPerMinute: 60 },
  error_reporting: { unitsPerMinute: 300 },
  trace: { unitsPerMinute: 300, largestCost: LIST_TRACES_UNITS },
}
const NO_LIMIT: Record<GcpApi, RateLimit> = {
  monitoring: { unitsPerMinute: 1e9 },
  logging: { unitsPerMinute: 1e9 },
  error_reporting: { unitsPerMinute: 1e9 },
  trace: { unitsPerMinute: 1e9 },
}

interface Incident {
  service: string
  startedAt: number
}

interface WorkerTask {
  run: RunName
  incidents: Incident[]
  now: number
  deadlineMs: number
  keyPrefix: string
  endpoints: { monitoring: number; logging: number; errorReportingUrl: string; traceUrl: string }
}

interface WorkerResult {
  durationsMs: number[]
  /** Of each analysis, the time until the evidence was in. */
  evidenceMs: number[]
  answered: Record<Source, number>
  missing: Record<Source, string[]>
  stats: Record<GcpApi, ApiStats>
}

if (process.env.BENCH_TELEMETRY_WORKER === '1') {
  await runWorker()
} else {
  await main()
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      incidents: { type: 'string', default: '50' },
      workers: { type: 'string', default: '2' },
      'latency-ms': { type: 'string', default: '100' },
      'deadline-ms': { type: 'string', default: '5000' },
      runs: { type: 'string', default: 'shared,isolated' },
    },
  })
  const incidents = positiveInt('incidents', flags.incidents)
  const workers = positiveInt('workers', flags.workers)
  const latencyMs = Number(flags['latency-ms'])
  const deadlineMs = positiveInt('deadline-ms', flags['deadline-ms'])
  const runs = flags.runs.split(',').map((r) => r.trim()) as RunName[]
  for (const r of runs) if (r !== 'shared' && r !== 'isolated') throw new Error(`--runs takes shared and/or isolated, got "${r}"`)

  const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS
  const fake = await FakeGcp.start()
  const redis = new Redis(REDIS_URL)
  const prefixes: string[] = []
  try {
    await serveSyntheticFleet(fake, createDemoFleet(new Date(now)), syntheticFleetCatalog(PROJECT), now)
    const storm = incidentStorm(incidents, now)
    const services = new Set(storm.map((i) => i.service))
    process.stdout.write(
      `${incidents} incident analyses on ${services.size} services over ${workers} worker processes; ${latencyMs} ms injected per call; per-source deadline ${deadlineMs} ms\n`,
    )
    process.stdout.write(
      `project quota / min: ${GCP_APIS.map((a) => `${a} ${PROJECT_QUOTA[a]}`).join(', ')} (trace in units; ListTraces = ${LIST_TRACES_UNITS})\n\n`,
    )
    for (const run of runs) {
      const arm = () => {
        for (const c of Object.values(fake.controls)) {
          c.reset()
          c.latencyMs = latencyMs
        }
        for (const api of GCP_APIS) fake.controls[api].quota = { perMinute: PROJECT_QUOTA[api], retryDelayMs: 30_000 }
      }
      arm()
      const keyPrefix = `bench-telemetry-${randomBytes(4).toString('hex')}`
      prefixes.push(keyPrefix)
      const endpoints = { monitoring: fake.monitoring.port, logging: fake.logging.port, errorReportingUrl: fake.errorReporting.url, traceUrl: fake.trace.url }
      const results = await runStorm(run, storm, workers, { now, deadlineMs, keyPrefix, endpoints, forgetWarmUp: arm })
      report(run, results, fake, incidents)
    }
  } finally {
    for (const p of prefixes) await deleteKeys(redis, p)
    await redis.quit()
    await fake.close()
  }
}

/** Alerts fire for every service of the shop, the ones on the failing money path most often. */
function incidentStorm(n: number, now: number): Incident[] {
  const weights: Record<string, number> = {
    'payment-api': 4,
    'checkout-api': 3,
    'checkout-db': 3,
    'fraud-check': 2,
    frontend: 2,
    cart: 1,
    inventory: 1,
    pubsub: 1,
  }
  const names = SYNTHETIC_FLEET.map((s) => s.name).flatMap((name) => Array.from({ length: weights[name] ?? 1 }, () => name))
  return Array.from({ length: n }, (_, i) => {
    const service = names[i % names.length]!
    const serviceIndex = SYNTHETIC_FLEET.findIndex((s) => s.name === service)
    // One service's alerts start within the same minute; services differ by up to 4 minutes.
    return { service, startedAt: now - (12 + (serviceIndex % 5)) * MINUTE_MS + ((i * 7) % 50) * 1_000 }
  })
}

async function runStorm(
  run: RunName,
  storm: Incident[],
  workers: number,
  base: Omit<WorkerTask, 'run' | 'incidents'> & { forgetWarmUp(): void },
): Promise<WorkerResult[]> {
  const children: ChildProcess[] = []
  const script = fileURLToPath(import.meta.url)
  try {
    const ready: Array<Promise<void>> = []
    const done: Array<Promise<WorkerResult>> = []
    for (let w = 0; w < workers; w++) {
      const child = fork(script, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, BENCH_TELEMETRY_WORKER: '1' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      children.push(child)
      const { forgetWarmUp: _, ...shared } = base
      const task: WorkerTask = { ...shared, run, incidents: storm.filter((_, i) => i % workers === w) }
      ready.push(
        new Promise((resolve, reject) => {
          child.once('message', (m: { type: string }) => (m.type === 'ready' ? resolve() : reject(new Error(`worker ${w}: ${JSON.stringify(m)}`))))
          child.once('exit', (code) => reject(new Error(`worker ${w} exited with ${code} before it was ready`)))
        }),
      )
      done.push(
        new Promise((resolve, reject) => {
          child.on('message', (m: { type: string; result?: WorkerResult }) => {
            if (m.type === 'result') resolve(m.result!)
          })
          child.once('exit', (code) => reject(new Error(`worker ${w} exited with ${code} before answering`)))
        }),
      )
      child.send({ type: 'task', task })
    }
    await Promise.all(ready)
    base.forgetWarmUp()
    for (const child of children) child.send({ type: 'go' })
    return await Promise.all(done)
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill()
  }
}

async function runWorker(): Promise<void> {
  const task = await new Promise<WorkerTask>((resolve) => process.once('message', (m: { type: string; task: WorkerTask }) => resolve(m.task)))
  const catalog = syntheticFleetCatalog(PROJECT)
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 })
  redis.on('error', () => undefined)
  const build = async (keyPrefix: string, limits: Record<GcpApi, RateLimit>): Promise<GcpTelemetry> => {
    const clients = createGcpClients({
      projectId: PROJECT,
      auth: fakeGoogleAuth(),
      monitoringEndpoint: { host: '127.0.0.1', port: task.endpoints.monitoring },
      loggingEndpoint: { host: '127.0.0.1', port: task.endpoints.logging },
      grpcChannelCredentials: grpc.credentials.createInsecure(),
      errorReportingUrl: task.endpoints.errorReportingUrl,
      traceUrl: task.endpoints.traceUrl,
    })
    await warmUp(clients)
    return assembleGcpTelemetry({ clients, catalog, redis, keyPrefix, limits, telemetry: { now: () => task.now } })
  }
  // shared: one provider per worker process, one namespace for the deployment. isolated: one per analysis.
  const providers =
    task.run === 'shared'
      ? [await build(task.keyPrefix, SHARED_LIMITS)]
      : await Promise.all(task.incidents.map((_, i) => build(`${task.keyPrefix}:${process.pid}:${i}`, NO_LIMIT)))
  process.send!({ type: 'ready' })
  await new Promise<void>((resolve) => process.once('message', () => resolve()))
  const answered = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Record<Source, number>
  const missing = Object.fromEntries(SOURCES.map((s) => [s, []])) as unknown as Record<Source, string[]>
  const evidenceMs: number[] = []
  const durationsMs = await Promise.all(
    task.incidents.map(async (incident, i) => {
      const provider = providers[task.run === 'shared' ? 0 : i]!
      const t0 = performance.now()
      const startedAt = new Date(incident.startedAt)
      const now = new Date(task.now)
      // As analyzeIncident does: one analysis asks each series once.
      const telemetry = new MetricSeriesReuse(provider)
      const evidence = await gatherEvidence(telemetry, { service: incident.service, startedAt, now, deadlineMs: task.deadlineMs })
      evidenceMs.push(performance.now() - t0)
      const alert = {
        id: `bench-${i}`,
        title: `${incident.service} alert`,
        summary: '',
        service: incident.service,
        resourceType: 'k8s_container',
        policyName: null,
        startedAt,
      }
      await localiseRootCause(telemetry, alert, incident.service, evidence, now)
      const ms = performance.now() - t0
      for (const s of evidence.sourcesAnswered) answered[s]++
      for (const m of evidence.sourcesMissing) missing[m.source].push(m.reason)
      return ms
    }),
  )
  const stats = providers.map((p) => p.apiStats())
  const summed = Object.fromEntries(GCP_APIS.map((api) => [api, sumStats(stats.map((s) => s[api]))])) as Record<GcpApi, ApiStats>
  process.send!({ type: 'result', result: { durationsMs, evidenceMs, answered, missing, stats: summed } satisfies WorkerResult })
  for (const p of providers) await p.close()
  await redis.quit()
  process.disconnect()
}

/** A long-running worker has its channels open and its token minted; the parent forgets these calls. */
async function warmUp(clients: GcpClients): Promise<void> {
  const ignore = () => undefined
  await Promise.all([
    clients.metrics
      .listTimeSeries(
        { name: `projects/${PROJECT}`, filter: 'metric.type = "warm.googleapis.com/up"', interval: { endTime: { seconds: 1 } }, view: 'HEADERS' },
        { autoPaginate: false, retry: null, timeout: 5_000 },
      )
      .catch(ignore),
    clients.logging
      .listLogEntries(
        { resourceNames: [`projects/${PROJECT}`], filter: 'logName="warm-up"', pageSize: 1 },
        { autoPaginate: false, retry: null, timeout: 5_000 },
      )
      .catch(ignore),
    clients.errorReporting.groupStats(PROJECT, { 'serviceFilter.service': 'warm-up', pageSize: 1 }, 5_000).catch(ignore),
    clients.trace.projects.traces.get({ projectId: PROJECT, traceId: '0' }, { retry: false, timeout: 5_000 }).catch(ignore),
  ])
}

function sumStats(all: ApiStats[]): ApiStats {
  const out = { ...all[0]! }
  for (const s of all.slice(1)) for (const k of Object.keys(out) as Array<keyof ApiStats>) out[k] += s[k]
  return out
}

function report(run: RunName, results: WorkerResult[], fake: FakeGcp, incidents: number): void {
  const durations = results.flatMap((r) => r.durationsMs).sort((a, b) => a - b)
  const stats = Object.fromEntries(GCP_APIS.map((api) => [api, sumStats(results.map((r) => r.stats[api]))])) as Record<GcpApi, ApiStats>
  const controls = fake.controls
  process.stdout.write(`== ${run === 'shared' ? 'shared cache + coalescing + token buckets in Redis' : 'isolated: a cache per analysis, no shared limit'}\n`)
  process.stdout.write('api              calls  accepted  refused-by-api  units-sent/60s (quota)  refused-locally  requests  cache-hits  coalesced  fetched\n')
  let overQuota = false
  for (const api of GCP_APIS) {
    const c = controls[api]
    const maxUnits = c.maxUnitsSentInAnyMinute()
    if (maxUnits > PROJECT_QUOTA[api]) overQuota = true
    const s = stats[api]
    process.stdout.write(
      `${api.padEnd(16)} ${String(c.calls.length).padStart(5)}  ${String(c.calls.length - c.refused).padStart(8)}  ${String(c.refused).padStart(14)}  ${`${maxUnits} (${PROJECT_QUOTA[api]})`.padStart(22)}  ${String(s.refusedLocally).padStart(15)}  ${String(s.requests).padStart(8)}  ${String(s.cacheHits).padStart(10)}  ${String(s.coalesced).padStart(9)}  ${String(s.fetched).padStart(7)}\n`,
    )
  }
  const requests = GCP_APIS.reduce((n, a) => n + stats[a].requests, 0)
  const served = GCP_APIS.reduce((n, a) => n + stats[a].cacheHits + stats[a].coalesced, 0)
  const refusedByApi = GCP_APIS.reduce((n, a) => n + controls[a].refused, 0)
  const refusedLocally = GCP_APIS.reduce((n, a) => n + stats[a].refusedLocally, 0)
  const p95 = percentile(durations, 95)
  process.stdout.write(`cache hit ratio (hits + coalesced) / requests: ${(served / requests).toFixed(3)} (${served} of ${requests})\n`)
  process.stdout.write(
    `provider requests per analysis: monitoring ${(stats.monitoring.requests / incidents).toFixed(1)}, all APIs ${(requests / incidents).toFixed(1)}; monitoring calls sent per analysis ${(controls.monitoring.calls.length / incidents).toFixed(2)}\n`,
  )
  const evidenceMs = results.flatMap((r) => r.evidenceMs).sort((a, b) => a - b)
  process.stdout.write(
    `evidence + root cause ms: p50 ${percentile(durations, 50).toFixed(0)}  p95 ${p95.toFixed(0)}  max ${durations.at(-1)!.toFixed(0)}  (evidence alone: p50 ${percentile(evidenceMs, 50).toFixed(0)}  p95 ${percentile(evidenceMs, 95).toFixed(0)})\n`,
  )
  process.stdout.write(`calls refused: by the APIs ${refusedByApi}, by the shared limit before sending ${refusedLocally}\n`)
  const answered = Object.fromEntries(SOURCES.map((s) => [s, results.reduce((n, r) => n + r.answered[s], 0)]))
  process.stdout.write(`analyses with each source: ${SOURCES.map((s) => `${s} ${answered[s]}/${incidents}`).join(', ')}\n`)
  for (const s of SOURCES) {
    const reasons = new Map<string, number>()
    for (const r of results) for (const reason of r.missing[s]) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
    for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 2)) process.stdout.write(`  ${s} missing ${n}×: ${reason.slice(0, 140)}\n`)
  }
  process.stdout.write(`goals: no more calls sent than the quota allows ${overQuota ? 'NO' : 'yes'}; p95 < 2 s ${p95 < 2_000 ? 'yes' : 'NO'}\n\n`)
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN
}

function positiveInt(name: string, raw: string): number {
  const n = Number.parseInt(raw, 10)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`)
  return n
}
