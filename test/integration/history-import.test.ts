import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../../src/commands/command'
import importCommand from '../../src/commands/import'
import { formatCsvRow } from '../../src/core/csv-text'
import { correlateIncident } from '../../src/core/correlation/correlate-incident'
import type { Embedder } from '../../src/core/correlation/embedder'
import { HashingEmbedder } from '../../src/core/correlation/hashing-embedder'
import type { HistoryFormat } from '../../src/core/incidents/history-import/column-mapping'
import { importHistory, type ImportReport } from '../../src/core/incidents/history-import/import-history'
import { rowsOf, type Database } from '../../src/storage/database'
import { readHistorySource } from '../../src/storage/history-files'
import { IMPORT_SOURCE, importedIncidentStore } from '../../src/storage/repositories/imported-incidents'
import { countStaleEmbeddings, getIncidentEmbedding } from '../../src/storage/repositories/incident-embeddings'
import { searchIncidentCandidates } from '../../src/storage/repositories/similar-incidents-search'
import { incidents } from '../../src/storage/schema'
import { createTestDatabase, type TestDatabase } from '../support/test-database'
import { captureWrites } from '../support/captured-writes'

const FIXTURES = join(import.meta.dirname, '../fixtures/history')
const embedder = new HashingEmbedder()

describe('sre-agent import on Postgres', () => {
  let t: TestDatabase
  let db: Database
  let dir: string
  beforeAll(async () => {
    t = await createTestDatabase()
    db = t.handle.db
    dir = await mkdtemp(join(tmpdir(), 'history-import-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
    await t.drop()
  })

  async function load(path: string, options: { format?: HistoryFormat | 'auto'; maps?: string[]; dryRun?: boolean } = {}): Promise<ImportReport> {
    const source = await readHistorySource(path, { format: options.format ?? 'auto', maps: options.maps ?? [] })
    return importHistory(
      source.rows,
      embedder,
      importedIncidentStore(db, () => new Date()),
      { batchSize: 500, dryRun: options.dryRun },
    )
  }

  const imported = (externalId: string) =>
    db
      .select()
      .from(incidents)
      .where(and(eq(incidents.source, IMPORT_SOURCE), eq(incidents.externalId, externalId)))
      .then((rows) => rows[0])

  async function counts(): Promise<{ incidents: number; documents: number; terms: string }> {
    const [row] = rowsOf(
      await db.execute(sql`select (select count(*) from incidents)::int as incidents, (select documents from incident_search_totals)::int as documents,
        (select md5(coalesce(string_agg(term || ':' || documents, ',' order by term), '')) from incident_search_terms where documents > 0) as terms`),
    )
    return { incidents: Number(row!.incidents), documents: Number(row!.documents), terms: String(row!.terms) }
  }

  /** The term statistics the triggers keep, recomputed from the incidents themselves. */
  async function recomputedTerms(): Promise<string> {
    const [row] = rowsOf(
      await db.execute(sql`select md5(coalesce(string_agg(term || ':' || n, ',' order by term), '')) as terms from (
        select term, count(*) as n from incidents, unnest(tsvector_to_array(search_vector)) as term group by term) s`),
    )
    return String(row!.terms)
  }

  async function findsFirst(query: { text: string; service: string | null }, externalId: string): Promise<number> {
    const result = await correlateIncident(
      { ...query, resourceType: null, policyName: null, before: new Date(), limit: 5 },
      { embedder, search: { searchCandidates: (q) => searchIncidentCandidates(db, q) } },
    )
    const id = (await imported(externalId))!.id
    return result.matches.findIndex((m) => m.incident.id === id)
  }

  describe('each format', () => {
    it('loads the good rows of a generic CSV as resolved, embedded incidents, and reports the bad ones by line', async () => {
      const report = await load(join(FIXTURES, 'generic.csv'))
      expect([report.inserted, report.updated, report.unembedded]).toEqual([2, 0, 0])
      expect(report.problems.map((p) => [p.file, p.line])).toEqual([
        ['generic.csv', 5],
        ['generic.csv', 6],
        ['generic.csv', 7],
        ['generic.csv', 8],
        ['generic.csv', 9],
        ['generic.csv', 10],
      ])
      const stored = await imported('OPS-101')
      expect(stored).toMatchObject({
        source: 'import',
        status: 'resolved',
        responseStage: 'resolved',
        fingerprint: 'import:OPS-101',
        title: 'checkout-api p95 latency above 2 s',
        service: 'checkout-api',
        severity: 'high',
        startedAt: new Date('2024-03-01T10:00:00Z'),
        resolvedAt: new Date('2024-03-01T10:45:00Z'),
        ttrSeconds: 45 * 60,
        rootCause: 'orders-db connection pool too small for the new batch job',
        resolution: 'Raised the pool size to 50, moved the batch job off peak',
        resolutionOutcome: 'worked',
        url: 'https://wiki.example.com/ops-101',
      })
      const embedding = await getIncidentEmbedding(db, stored!.id)
      expect(embedding?.model).toBe(embedder.name)
      expect(embedding?.vector).toHaveLength(embedder.dimensions)
      expect(await imported('OPS-104')).toBeUndefined()
    })

    it('loads JSON lines, a Jira export, both PagerDuty header variants and a folder of postmortems', async () => {
      const loaded = async (file: string) => {
        const r = await load(join(FIXTURES, file))
        return [r.inserted, r.problems.length]
      }
      expect(await loaded('incidents.jsonl')).toEqual([2, 3])
      expect(await loaded('jira.csv')).toEqual([3, 1])
      expect(await loaded('pagerduty.csv')).toEqual([2, 1])
      expect(await loaded('pagerduty-api-names.csv')).toEqual([1, 0])
      expect(await loaded('postmortems')).toEqual([2, 1])
      expect(await imported('OPS-2001')).toMatchObject({ service: 'ledger-db', severity: 'critical', resolutionOutcome: 'worked' })
      expect(await imported('PT4KHLK')).toMatchObject({ title: '[FIRING] inventory-db CPU above 90%', url: 'https://acme.pagerduty.com/incidents/PT4KHLK' })
      const postmortem = await imported('PM-2024-007')
      expect(postmortem?.rootCause).toMatch(/^A deploy doubled the worker count/)
      expect(postmortem?.postmortem).toContain('## Timeline')
      expect(await imported('search-reindex')).toMatchObject({ service: 'search-api', resolutionOutcome: 'partly' })
      // Every imported incident is counted by the search statistics, exactly as recomputed from the rows.
      const now = await counts()
      expect(now.documents).toBe(now.incidents)
      expect(now.terms).toBe(await recomputedTerms())
    })
  })

  describe('when the embedder fails', () => {
    it('still loads the rows, without an embedding, for reembed to add later', async () => {
      const down: Embedder = { name: embedder.name, dimensions: embedder.dimensions, embed: async () => Promise.reject(new Error('embeddings endpoint down')) }
      const file = join(dir, 'unembedded.csv')
      await writeFile(file, 'external_id,title,started\nU-1,cache stampede on pricing-api,2024-02-02T02:00:00Z\n')
      const source = await readHistorySource(file, { format: 'auto', maps: [] })
      const report = await importHistory(
        source.rows,
        down,
        importedIncidentStore(db, () => new Date()),
        { batchSize: 500 },
      )
      expect([report.inserted, report.unembedded, report.embedderFailure]).toEqual([1, 1, 'embeddings endpoint down'])
      expect(await getIncidentEmbedding(db, (await imported('U-1'))!.id)).toBeNull()
      expect((await countStaleEmbeddings(db, embedder.name)).total).toBe(1)
      await load(file)
      expect((await countStaleEmbeddings(db, embedder.name)).total).toBe(0)
    })
  })

  describe('hostile text', () => {
    it('stores NUL bytes removed, lone surrogates, mentions and markup as plain text, and a huge summary cut', async () => {
      const file = join(dir, 'hostile.jsonl')
      const rows = [
        { id: 'H-1', title: 'nul\u0000 in <!channel> *title* \ud800', service: 'x\u0000y', started: '2024-01-01T00:00:00Z', summary: 'z'.repeat(50_000) },
        {
          id: 'H-2',
          title: "'; drop table incidents; --",
          started: '2024-01-01T00:00:00Z',
          root_cause: '\u202eevil\u202c',
          link: 'https://ex.com/?q=<script>',
        },
      ]
      await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n'))
      const report = await load(file)
      expect([report.inserted, report.problems]).toEqual([2, []])
      const h1 = await imported('H-1')
      expect(h1?.title).toBe('nul in <!channel> *title* \ufffd')
      expect(h1?.service).toBe('xy')
      expect(h1?.summary).toHaveLength(10_000)
      expect(await imported('H-2')).toMatchObject({ title: "'; drop table incidents; --", rootCause: '\u202eevil\u202c', url: 'https://ex.com/?q=<script>' })
    })
  })

  describe('imported incidents in the hybrid search', () => {
    it('finds the postmortem for a similar alert, first', async () => {
      const query = { text: 'checkout-db connection pool exhausted: requests time out waiting for a database connection', service: 'checkout-db' }
      expect(await findsFirst(query, 'PM-2024-007')).toBe(0)
    })

    it('finds an issue of a Jira export for an alert of its service', async () => {
      const text = 'ledger-db read-only after a region failover: writes fail with cannot execute UPDATE in a read-only transaction'
      expect(await findsFirst({ text, service: 'ledger-db' }, 'OPS-2001')).toBe(0)
    })
  })

  describe('importing again', () => {
    it('updates the incidents by external id and never duplicates them', async () => {
      const before = await counts()
      const again = await load(join(FIXTURES, 'generic.csv'))
      expect([again.inserted, again.updated]).toEqual([0, 2])
      expect(await counts()).toEqual(before)

      const edited = join(dir, 'generic-edited.csv')
      const text = await readFile(join(FIXTURES, 'generic.csv'), 'utf8')
      await writeFile(edited, text.replace('checkout-api p95 latency above 2 s,', 'checkout-api p99 latency above 5 s,').replace(',worked,', ',failed,'))
      const update = await load(edited)
      expect([update.inserted, update.updated]).toEqual([0, 2])
      expect(await imported('OPS-101')).toMatchObject({ title: 'checkout-api p99 latency above 5 s', resolutionOutcome: 'failed' })
      const after = await counts()
      expect(after.incidents).toBe(before.incidents)
      expect(after.terms).toBe(await recomputedTerms())
    })
  })

  describe('--dry-run', () => {
    it('counts new and updated rows, shows the first ones as they would be stored, and writes nothing', async () => {
      const file = join(dir, 'mixed.csv')
      const header = 'external_id,title,service,started'
      await writeFile(file, `${header}\nOPS-101,checkout-api p95 latency,checkout-api,2024-03-01T10:00:00Z\nNEW-1,brand new,cart-api,2024-07-01\nNEW-2,,x,\n`)
      const before = await counts()
      const updatedAt = (await imported('OPS-101'))!.updatedAt
      const report = await load(file, { dryRun: true })
      expect([report.inserted, report.updated, report.problems.length]).toEqual([1, 1, 1])
      expect(report.preview.map((p) => [p.externalId, p.existing, p.place.line])).toEqual([
        ['OPS-101', true, 2],
        ['NEW-1', false, 3],
      ])
      expect(await counts()).toEqual(before)
      expect((await imported('OPS-101'))!.updatedAt).toEqual(updatedAt)
      expect(await imported('NEW-1')).toBeUndefined()
    })
  })

  describe('the command', () => {
    let stdout: string
    let stderr: string
    let url: string | undefined
    beforeEach(() => {
      stdout = ''
      stderr = ''
      url = process.env.DATABASE_URL
      process.env.DATABASE_URL = t.url
      captureWrites(process.stdout, (text) => {
        stdout += text
      })
      captureWrites(process.stderr, (text) => {
        stderr += text
      })
    })
    afterEach(() => {
      vi.restoreAllMocks()
      if (url === undefined) delete process.env.DATABASE_URL
      else process.env.DATABASE_URL = url
    })

    it('imports, shows progress on a large file, reports bad rows by line on stderr and exits 1 when any row was bad', async () => {
      const file = join(dir, 'large.csv')
      const rows = Array.from({ length: 700 }, (_, i) =>
        formatCsvRow([`BULK-${i}`, `bulk incident ${i}: queue backlog on worker ${i % 7}`, `worker-${i % 7}`, '2024-02-01T00:00:00Z']),
      )
      await writeFile(file, ['external_id,title,service,started', ...rows, 'BULK-bad,no start,worker-1,'].join('\n'))
      expect(await importCommand.run([file])).toBe(1)
      expect(stdout).toMatch(
        /^Imported 700 incident\(s\) from .*large\.csv: 700 new, 0 updated, 1 bad row\(s\); embedded with local-hashing-v2, searchable now/,
      )
      expect(stderr).toContain('Read 701 row(s) from')
      expect(stderr).toContain('700 of 700 incidents written (700 new, 0 updated)')
      expect(stderr).toContain('large.csv:702: the start time ("started") is empty')
    })

    it('--dry-run prints what would be stored and writes nothing; a clean file exits 0', async () => {
      const before = await counts()
      expect(await importCommand.run([join(FIXTURES, 'pagerduty-api-names.csv'), '--format', 'pagerduty', '--dry-run'])).toBe(0)
      expect(stdout).toMatch(/^Dry run of .*: 0 new, 1 to update, 0 bad row\(s\)\. Nothing was written\./)
      expect(stdout).toContain('"title": "billing-api latency above 1 s"')
      expect(await counts()).toEqual(before)
    })

    it('refuses an unknown field in --map and an unknown format as usage errors', async () => {
      await expect(importCommand.run([join(FIXTURES, 'generic.csv'), '--map', 'colour=red'])).rejects.toThrow(UsageError)
      await expect(importCommand.run([join(FIXTURES, 'generic.csv'), '--map', 'colour=red'])).rejects.toThrow(/unknown field "colour"/)
      await expect(importCommand.run([join(FIXTURES, 'generic.csv'), '--format', 'xml'])).rejects.toThrow(UsageError)
      await expect(importCommand.run([join(dir, 'missing.csv')])).rejects.toMatchObject({ code: 'history_file_invalid' })
    })
  })
})
