/**
 * Re-embedding throughput on real Postgres + pgvector: loads N incidents embedded by an
 * older model (`local-hashing`), with every index and trigger live, then re-embeds them with
 * the local embedder through `reembedIncidents` (the code the CLI and the worker job run),
 * for each batch size asked, and prints incidents/s. Drops the database at the end.
 *
 * Run: node --import tsx bench/reembed.ts [--count 20000] [--batches 100,500]
 * (DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test; a database is created next to it.)
 */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { generatePastIncidents } from '../src/storage/seed/synthetic-past-incidents'
import { HashingEmbedder } from '../src/core/correlation/hashing-embedder'
import { reembedIncidents } from '../src/core/correlation/reembed-incidents'
import { migrateDatabase, openDatabase, postgresTarget } from '../src/storage/database'
import { insertIncidents, type NewIncident } from '../src/storage/repositories/incidents'
import { incidentEmbeddingStore } from '../src/storage/repositories/incident-embeddings'

const { values: flags } = parseArgs({ options: { count: { type: 'string', default: '20000' }, batches: { type: 'string', default: '100,500' } } })
const COUNT = Number(flags.count)
const BATCHES = flags.batches.split(',').map(Number)
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const out = process.stdout

const name = `sre_bench_reembed_${randomBytes(4).toString('hex')}`
const admin = postgres(...postgresTarget(BASE_URL, { max: 1, onnotice: () => {} }))
await admin.unsafe(`create database ${name}`)
const url = new URL(BASE_URL)
url.pathname = `/${name}`
const handle = await openDatabase(url.toString(), { poolSize: 4 })
try {
  await migrateDatabase(handle)
  const embedder = new HashingEmbedder(768)
  const seeds = generatePastIncidents({ seed: 7, count: COUNT, now: new Date('2026-05-14T12:00:00Z') })
  // One old-model vector for all: what the old model said does not matter, only that it is another model's.
  const [old] = await embedder.embed(['an incident embedded by the older model'])
  const rows: NewIncident[] = seeds.map((s, i) => ({
    fingerprint: `bench:${i}`,
    source: 'generic',
    status: 'resolved',
    severity: 'high',
    title: s.title,
    summary: `${s.summary} (#${i})`,
    service: s.service,
    policyName: s.policyName,
    startedAt: s.startedAt,
    embedding: old!,
    embeddingModel: 'local-hashing',
  }))
  const loading = performance.now()
  await insertIncidents(handle.db, rows)
  await handle.db.execute(sql`vacuum analyze incidents`)
  out.write(`${COUNT.toLocaleString('en-US')} incidents of another model loaded in ${((performance.now() - loading) / 1000).toFixed(1)} s\n`)

  for (const [i, batchSize] of BATCHES.entries()) {
    // Each round runs as a model of its own, so every incident is stale again without rewriting them first.
    const running = { name: `${embedder.name}#${i}`, dimensions: embedder.dimensions, embed: (texts: string[]) => embedder.embed(texts) }
    const started = performance.now()
    const report = await reembedIncidents(running, incidentEmbeddingStore(handle.db), { batchSize })
    const seconds = (performance.now() - started) / 1000
    out.write(
      `batch ${String(batchSize).padStart(4)}: re-embedded ${report.embedded.toLocaleString('en-US')} in ${seconds.toFixed(1)} s = ${Math.round(report.embedded / seconds).toLocaleString('en-US')} incidents/s (${report.failed.length} failed, ${report.remaining} left)\n`,
    )
  }
} finally {
  await handle.close()
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.end({ timeout: 2 })
}
