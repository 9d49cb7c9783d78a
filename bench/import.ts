/**
 * `sre-agent import` at scale, on real Postgres + pgvector.
 *
 * Writes N generated past incidents (default 100,000: the fleet's incident scenarios spread over 60
 * services, each with its own detail line and external id) to a CSV file, creates a fresh database,
 * applies the migrations and imports the file the way the command does (read and map the rows, embed
 * them with the local 768-d hashing embedder, upsert 500 to a statement with the HNSW, GIN and btree
 * indexes and the term-statistics triggers live). Prints rows/s, where the time went, and the time until
 * the import is searchable: from the start until a hybrid search for each of the last rows' text finds
 * that row among its top 5. Then imports the file again (every row an update) and drops the database
 * unless --keep.
 *
 * Run: npm run bench:import -- [--count 100000] [--keep]
 * (DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test; a database is created next to it.)
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { and, eq, inArray } from 'drizzle-orm'
import { formatCsvRow } from '../src/core/csv-text'
import { correlateIncident } from '../src/core/correlation/correlate-incident'
import type { Embedder } from '../src/core/correlation/embedder'
import { HashingEmbedder } from '../src/core/correlation/hashing-embedder'
import { importHistory, type HistoryStore } from '../src/core/incidents/history-import/import-history'
import type { ImportedIncident } from '../src/core/incidents/history-import/imported-incident'
import { SeededRandom } from '../src/integrations/telemetry/synthetic'
import { migrateDatabase, openDatabase, postgresTarget } from '../src/storage/database'
import { readHistorySource } from '../src/storage/history-files'
import { IMPORT_BATCH, IMPORT_SOURCE, importedIncidentStore } from '../src/storage/repositories/imported-incidents'
import { searchIncidentCandidates } from '../src/storage/repositories/similar-incidents-search'
import { incidents } from '../src/storage/schema'
import { generatePastIncidents } from '../src/storage/seed/synthetic-past-incidents'

const { values: flags } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
  },
})
const COUNT = Number(flags.count)
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const NOW = new Date('2026-05-14T12:00:00Z')
/** The last rows searched for once the import returns. */
const PROBES = 20

const PREFIXES = 'checkout payment orders inventory search auth profile cart shipping billing ledger fraud catalog pricing notify'.split(' ')
const SUFFIXES = ['api', 'db', 'worker', 'gateway']
const REGIONS = ['europe-west1', 'europe-west4', 'us-central1', 'us-east1', 'asia-northeast1', 'australia-southeast1']
const COMPONENTS = ['ingress', 'sidecar', 'pgbouncer', 'redis', 'kafka consumer', 'cron job', 'feature flag', 'TLS proxy', 'DNS resolver', 'node pool']
const SYMPTOMS = ['after the deploy', 'during the nightly batch', 'at peak traffic', 'after a config push', 'on one zone only', 'after a certificate rotation']

/** The CSV a team would export: one incident a row, generic column names. */
function historyCsv(count: number): string {
  const random = new SeededRandom(42, 0x1a9e)
  const lines = [formatCsvRow(['external_id', 'title', 'service', 'severity', 'started', 'resolved', 'summary', 'root_cause', 'resolution', 'outcome'])]
  for (const [i, p] of generatePastIncidents({ seed: 42, count, now: NOW }).entries()) {
    const service = `${random.pick(PREFIXES)}-${random.pick(SUFFIXES)}`
    const rename = (text: string) => text.split(p.service).join(service)
    const pod = `${service}-${randomBytes(4).toString('hex')}`
    const detail = `Seen on ${pod} in ${random.pick(REGIONS)}: ${random.pick(COMPONENTS)} ${random.pick(SYMPTOMS)}, ${random.int(2, 900)} errors.`
    lines.push(
      formatCsvRow([
        `INC-${100000 + i}`,
        rename(p.title),
        service,
        p.severity,
        p.startedAt.toISOString(),
        p.resolvedAt.toISOString(),
        `${rename(p.summary)} ${detail}`,
        p.rootCause,
        p.resolution,
        p.resolutionOutcome,
      ]),
    )
  }
  return `${lines.join('\n')}\n`
}

/** Adds up how long the wrapped embedder and store take. */
function timed(embedder: Embedder, store: HistoryStore, spent: { embedMs: number; writeMs: number }): { embedder: Embedder; store: HistoryStore } {
  return {
    embedder: {
      name: embedder.name,
      dimensions: embedder.dimensions,
      async embed(texts) {
        const t = performance.now()
        const v = await embedder.embed(texts)
        spent.embedMs += performance.now() - t
        return v
      },
    },
    store: {
      existingExternalIds: (ids) => store.existingExternalIds(ids),
      async upsert(rows, model) {
        const t = performance.now()
        const r = await store.upsert(rows, model)
        spent.writeMs += performance.now() - t
        return r
      },
    },
  }
}

async function main(): Promise<void> {
  const out = (line = '') => process.stdout.write(`${line}\n`)
  const dir = await mkdtemp(join(tmpdir(), 'bench-import-'))
  const file = join(dir, 'history.csv')
  const name = `sre_bench_import_${randomBytes(4).toString('hex')}`
  const admin = postgres(...postgresTarget(BASE_URL, { max: 1, onnotice: () => {} }))
  await admin.unsafe(`create database ${name}`)
  const url = new URL(BASE_URL)
  url.pathname = `/${name}`
  const handle = await openDatabase(url.toString(), { poolSize: 2 })
  try {
    await migrateDatabase(handle)
    const db = handle.db
    const csv = historyCsv(COUNT)
    await writeFile(file, csv)
    out(`bench:import — ${COUNT.toLocaleString('en-US')} incidents, ${(csv.length / 1e6).toFixed(1)} MB CSV, Postgres ${name}`)

    for (const pass of ['first import (all new)', 'second import (all updates)']) {
      const spent = { embedMs: 0, writeMs: 0 }
      const { embedder, store } = timed(
        new HashingEmbedder(),
        importedIncidentStore(db, () => new Date()),
        spent,
      )
      const started = performance.now()
      const source = await readHistorySource(file, { format: 'auto', maps: [] })
      const readMs = performance.now() - started
      const report = await importHistory(source.rows, embedder, store, { batchSize: IMPORT_BATCH, clock: () => performance.now() })
      const importedMs = performance.now() - started

      // Searchable: each of the last rows is found by a search for its own title and summary.
      const last = source.rows.slice(-PROBES).flatMap((r) => ('incident' in r ? [r.incident] : []))
      const ids = await db
        .select({ id: incidents.id, externalId: incidents.externalId })
        .from(incidents)
        .where(
          and(
            eq(incidents.source, IMPORT_SOURCE),
            inArray(
              incidents.externalId,
              last.map((l) => l.externalId),
            ),
          ),
        )
      const idOf = new Map(ids.map((r) => [r.externalId, r.id]))
      let found = 0
      for (const probe of last) found += (await searchFinds(db, embedder, probe, idOf.get(probe.externalId))) ? 1 : 0
      const searchableMs = performance.now() - started

      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
      out(`${pass}: ${report.inserted.toLocaleString('en-US')} new, ${report.updated.toLocaleString('en-US')} updated, ${report.problems.length} bad`)
      out(
        `  ${Math.round((report.incidents / importedMs) * 1000)} rows/s end to end (${seconds(importedMs)}): read and map ${seconds(readMs)}, ` +
          `embed ${seconds(spent.embedMs)}, write ${seconds(spent.writeMs)} (${Math.round((report.incidents / spent.writeMs) * 1000)} rows/s)`,
      )
      out(`  searchable ${seconds(searchableMs)} after the start: ${found} of ${last.length} last rows found in the top 5 by the hybrid search`)
    }
  } finally {
    if (flags.keep) out(`kept database ${name}`)
    await handle.close()
    if (!flags.keep) await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end({ timeout: 2 })
    await rm(dir, { recursive: true, force: true })
  }
}

async function searchFinds(
  db: Parameters<typeof searchIncidentCandidates>[0],
  embedder: Embedder,
  probe: ImportedIncident,
  id: string | undefined,
): Promise<boolean> {
  if (!id) return false
  const result = await correlateIncident(
    { text: `${probe.title}\n${probe.summary}`, service: probe.service, resourceType: null, policyName: null, before: new Date(), limit: 5 },
    { embedder, search: { searchCandidates: (q) => searchIncidentCandidates(db, q) } },
  )
  return result.matches.some((m) => m.incident.id === id)
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
