/**
 * bench:playbook-stats — what `/sre playbook-stats` costs at the size its read is capped at.
 *
 * Fills a fresh Postgres database with the shipped playbooks, `--runs` runs (each with its steps and an approval) on as
 * many incidents, and `--others` incidents of the same services without a run, then times the history read
 * (loadPlaybookHistory: five queries) and the figures (computePlaybookEffectiveness), `--repeat` times each.
 *
 * Run: npm run bench:playbook-stats -- [--runs 5000] [--others 20000] [--repeat 5]
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { computePlaybookEffectiveness } from '../src/core/playbooks/playbook-effectiveness'
import { migrateDatabase, openDatabase, postgresTarget } from '../src/storage/database'
import { loadPlaybookFiles } from '../src/storage/playbook-files'
import { loadPlaybookHistory } from '../src/storage/repositories/playbook-effectiveness'
import { syncPlaybooks } from '../src/storage/repositories/playbooks'
import { approvalRequests, executionSteps, incidents, playbookExecutions, type StepOutcome } from '../src/storage/schema'

const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '5000' }, others: { type: 'string', default: '20000' }, repeat: { type: 'string', default: '5' } },
})
const RUNS = Number(flags.runs)
const OTHERS = Number(flags.others)
const REPEAT = Number(flags.repeat)
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SERVICES = ['checkout-db', 'payment-api', 'inventory', 'search', 'cart', 'orders']

function median(xs: number[]): number {
  const s = xs.toSorted((a, b) => a - b)
  return s[s.length >> 1]!
}

async function main(): Promise<void> {
  const dbName = `bench_pbstats_${randomBytes(4).toString('hex')}`
  const admin = postgres(...postgresTarget(DATABASE_URL, { max: 1, onnotice: () => {} }))
  await admin.unsafe(`create database ${dbName}`)
  const url = new URL(DATABASE_URL)
  url.pathname = `/${dbName}`
  const handle = await openDatabase(url.toString(), { poolSize: 5 })
  try {
    await migrateDatabase(handle)
    const db = handle.db
    const catalog = loadPlaybookFiles('playbooks')
    await syncPlaybooks(db, catalog)
    const t0 = Date.parse('2026-01-01T00:00:00Z')
    const fill = performance.now()
    const incidentRows = Array.from({ length: RUNS + OTHERS }, (_, i) => ({
      fingerprint: `bench:${i}`,
      source: 'bench',
      status: 'resolved' as const,
      title: `incident ${i}`,
      severity: 'high' as const,
      service: SERVICES[i % SERVICES.length]!,
      policyName: `policy ${i % 40}`,
      startedAt: new Date(t0 + i * 60_000),
      resolvedAt: new Date(t0 + i * 60_000 + 3_600_000),
      resolutionOutcome: (['worked', 'worked', 'partly', 'failed'] as const)[i % 4],
      resolutionRecordedAt: new Date(t0 + i * 60_000 + 3_700_000),
      ttmSeconds: 300 + (i % 50) * 60,
    }))
    const ids: string[] = []
    for (let i = 0; i < incidentRows.length; i += 2000) {
      const rows = await db
        .insert(incidents)
        .values(incidentRows.slice(i, i + 2000))
        .returning({ id: incidents.id })
      ids.push(...rows.map((r) => r.id))
    }
    let steps = 0
    for (let i = 0; i < RUNS; i += 500) {
      const batch = Array.from({ length: Math.min(500, RUNS - i) }, (_, j) => {
        const pb = catalog[(i + j) % catalog.length]!
        return {
          pb,
          values: {
            playbookId: pb.id,
            playbookVersion: pb.version,
            definition: pb,
            incidentId: ids[i + j]!,
            inputs: { service: 's', target: 't', incident: { number: 1, title: 't' }, confidence: 0.8, rationale: 'r' },
            startedBy: 'U1',
            status: 'completed' as const,
            createdAt: new Date(t0 + (i + j) * 60_000),
          },
        }
      })
      const runs = await db
        .insert(playbookExecutions)
        .values(batch.map((b) => b.values))
        .returning({ id: playbookExecutions.id })
      const stepRows = runs.flatMap((run, j) =>
        batch[j]!.pb.steps.map((s, position) => ({
          executionId: run.id,
          position,
          stepId: s.id,
          kind: s.kind,
          status: 'succeeded' as const,
          outcome: (s.kind === 'query'
            ? { passed: (i + j + position) % 3 !== 0, value: 50 + ((i + j) % 50) }
            : s.kind === 'approval'
              ? { decision: 'approved', by: 'U2' }
              : {}) as StepOutcome,
          startedAt: new Date(t0 + (i + j) * 60_000 + position * 10_000),
          finishedAt: new Date(t0 + (i + j) * 60_000 + (position + 1) * 10_000),
        })),
      )
      steps += stepRows.length
      await db.insert(executionSteps).values(stepRows)
      const approvals = runs.flatMap((run, j) => {
        const position = batch[j]!.pb.steps.findIndex((s) => s.kind === 'approval')
        if (position === -1) return []
        const at = t0 + (i + j) * 60_000
        return [
          {
            incidentId: ids[i + j]!,
            executionId: run.id,
            stepPosition: position,
            action: { stepId: 'a', title: 'a', preview: 'a', risk: 'low' as const, method: 'POST', url: 'https://x', body: {}, dryRun: 'ok' },
            rationale: 'r',
            requestedBy: 'U1',
            status: 'approved' as const,
            decidedBy: 'U2',
            decidedAt: new Date(at + 90_000),
            createdAt: new Date(at),
            expiresAt: new Date(at + 1_800_000),
          },
        ]
      })
      if (approvals.length) await db.insert(approvalRequests).values(approvals)
    }
    await db.execute(sql`analyze`)
    console.log(
      `filled ${RUNS} runs (${steps} steps) on ${RUNS} incidents + ${OTHERS} others of ${SERVICES.length} services in ${((performance.now() - fill) / 1000).toFixed(1)} s`,
    )

    const reads: number[] = []
    const computes: number[] = []
    let playbooks = 0
    for (let r = 0; r < REPEAT; r++) {
      const a = performance.now()
      const history = await loadPlaybookHistory(db)
      const b = performance.now()
      playbooks = computePlaybookEffectiveness(history).length
      const c = performance.now()
      reads.push(b - a)
      computes.push(c - b)
    }
    const one: number[] = []
    for (let r = 0; r < REPEAT; r++) {
      const a = performance.now()
      computePlaybookEffectiveness(await loadPlaybookHistory(db, { playbookId: catalog[0]!.id }))
      one.push(performance.now() - a)
    }
    console.log(`all ${playbooks} playbooks: read median ${median(reads).toFixed(0)} ms, figures median ${median(computes).toFixed(0)} ms (${REPEAT} repeats)`)
    console.log(`one playbook (${catalog[0]!.id}): read + figures median ${median(one).toFixed(0)} ms`)
  } finally {
    await handle.close()
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end({ timeout: 2 })
  }
}

await main()
