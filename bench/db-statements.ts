/**
 * What one statement costs through the project's database layer (drizzle on postgres.js), with and without
 * prepared statements, on real Postgres: the mix an incident's analysis runs most (read an incident, append an
 * audit entry, update the incident, read a playbook run's steps), one connection per mode, the modes alternated
 * in rounds so other load on the machine falls on both alike. Prints, per mode, the median over rounds of this
 * process's CPU time per statement, the Postgres backend's CPU time per statement (from /proc: run it on the
 * database's machine), and wall time per statement.
 * Run: npm run bench:db-statements -- [--rounds 7] [--statements 4000]
 * (DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test; a database is created next to it and dropped.)
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { migrateDatabase, openDatabase, type DatabaseHandle, postgresTarget } from '../src/storage/database'
import { appendAudit } from '../src/storage/repositories/audit'
import { createIncident, getIncident, updateIncident } from '../src/storage/repositories/incidents'
import { listExecutionSteps } from '../src/storage/repositories/playbooks'

// USER_HZ, the unit of /proc's CPU times on Linux (getconf CLK_TCK).
const CLOCK_TICKS_PER_SECOND = 100

const { values: flags } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, statements: { type: 'string', default: '4000' } },
})
const ROUNDS = Number.parseInt(flags.rounds, 10)
const STATEMENTS = Number.parseInt(flags.statements, 10)
if (!(ROUNDS > 0 && STATEMENTS >= 4)) throw new Error('--rounds and --statements must be positive (at least 4 statements)')
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

interface Cost {
  clientUs: number
  serverUs: number
  wallUs: number
}

async function main(): Promise<void> {
  const dbName = `bench_statements_${randomBytes(4).toString('hex')}`
  const admin = postgres(...postgresTarget(DATABASE_URL, { max: 1, onnotice: () => {} }))
  await admin.unsafe(`create database ${dbName}`)
  const url = new URL(DATABASE_URL)
  url.pathname = `/${dbName}`
  const modes: Array<{ name: string; handle?: DatabaseHandle; backendPid?: number; costs: Cost[] }> = [
    { name: 'prepared', costs: [] },
    { name: 'unprepared', costs: [] },
  ]
  try {
    const setup = await openDatabase(url.toString(), { poolSize: 1 })
    await migrateDatabase(setup)
    const incident = await createIncident(setup.db, {
      fingerprint: 'bench-statements',
      source: 'bench',
      title: 'orders-db connection pool exhausted',
      summary: 'pool at 100 % of max for 5 minutes',
      service: 'orders-db',
      severity: 'high',
      startedAt: new Date(),
    })
    await setup.close()
    for (const mode of modes) {
      mode.handle = await openDatabase(url.toString(), { poolSize: 1, preparedStatements: mode.name === 'prepared' })
      const [row] = (await mode.handle.db.execute(sql`select pg_backend_pid() as pid`)) as unknown as Array<{ pid: number }>
      mode.backendPid = Number(row!.pid)
    }
    const executionId = '00000000-0000-4000-8000-000000000000'
    const run = async (handle: DatabaseHandle, n: number) => {
      for (let i = 0; i < n; i += 4) {
        await getIncident(handle.db, incident.id)
        await appendAudit(handle.db, {
          actor: 'bench',
          action: 'bench.statement',
          incidentId: incident.id,
          subjectType: 'incident',
          subjectId: incident.id,
          details: { i },
        })
        await updateIncident(handle.db, incident.id, { alertCount: i })
        await listExecutionSteps(handle.db, executionId)
      }
    }
    // Warm-up: the JIT, and each mode's first (preparing) use of every statement.
    for (const mode of modes) await run(mode.handle!, 400)
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
        const cpu = process.cpuUsage()
        const server = backendCpuSeconds(mode.backendPid!)
        const started = performance.now()
        await run(mode.handle!, STATEMENTS)
        const wallMs = performance.now() - started
        const used = process.cpuUsage(cpu)
        mode.costs.push({
          clientUs: (used.user + used.system) / STATEMENTS,
          serverUs: ((backendCpuSeconds(mode.backendPid!) - server) * 1e6) / STATEMENTS,
          wallUs: (wallMs * 1000) / STATEMENTS,
        })
      }
    }
  } finally {
    for (const mode of modes) await mode.handle?.close()
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end()
  }
  console.log(`db statements: ${ROUNDS} rounds × ${STATEMENTS} statements per mode (get incident, append audit, update incident, list steps)`)
  console.log('mode           client CPU/stmt   Postgres CPU/stmt   wall/stmt   (medians over rounds)')
  for (const mode of modes) {
    const m = (pick: (c: Cost) => number) => `${median(mode.costs.map(pick)).toFixed(0)} µs`
    console.log(`${mode.name.padEnd(14)} ${m((c) => c.clientUs).padStart(15)} ${m((c) => c.serverUs).padStart(19)} ${m((c) => c.wallUs).padStart(11)}`)
  }
  const [prepared, unprepared] = modes.map((mode) => mode.costs)
  const ratio = (pick: (c: Cost) => number) => (median(unprepared!.map(pick)) / median(prepared!.map(pick))).toFixed(2)
  console.log(`unprepared ÷ prepared: client CPU ${ratio((c) => c.clientUs)}×, Postgres CPU ${ratio((c) => c.serverUs)}×, wall ${ratio((c) => c.wallUs)}×`)
}

/** CPU seconds (user + system) a process has used, from /proc (Linux; the database must run on this machine). */
function backendCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
