import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { Queue } from 'bullmq'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { incidentEmbeddingText, type Embedder } from '../../../src/core/correlation/embedder'
import { HashingEmbedder } from '../../../src/core/correlation/hashing-embedder'
import { reembedIncidents } from '../../../src/core/correlation/reembed-incidents'
import { createLogger } from '../../../src/logger'
import { createIncident, type Incident } from '../../../src/storage/repositories/incidents'
import { incidentEmbeddingStore, getIncidentEmbedding } from '../../../src/storage/repositories/incident-embeddings'
import { searchIncidentCandidates } from '../../../src/storage/repositories/similar-incidents-search'
import { BullmqJobQueue } from '../../../src/workers/bullmq-queue'
import { queueNameFor } from '../../../src/workers/jobs'
import { processHistoryReembed, REEMBED_RETRY_MS } from '../../../src/workers/processors/history-reembed'
import { TEST_REDIS_URL } from '../../support/services'
import { createTestDatabase, type TestDatabase } from '../../support/test-database'

const DAY = 86_400_000
const logger = createLogger('silent')
const local = new HashingEmbedder(768)

/** The local embedder, failing for texts that contain `poison` (a text the service rejects), counting what it was asked. */
class SelectiveEmbedder implements Embedder {
  readonly name = local.name
  readonly dimensions = local.dimensions
  texts: string[] = []
  constructor(private readonly poison: string | null = null) {}
  async embed(texts: string[]): Promise<number[][]> {
    this.texts.push(...texts)
    if (this.poison && texts.some((t) => t.includes(this.poison!))) throw new Error('INVALID_ARGUMENT: text rejected')
    return local.embed(texts)
  }
}

describe('re-embedding the history with the running model (Postgres)', () => {
  let t: TestDatabase
  const dbs: TestDatabase[] = []
  afterAll(async () => {
    for (const d of dbs) await d.drop()
  })

  /** A fresh database with `old` incidents embedded by the old model, `none` without an embedding and `current` by the running one. */
  async function history(counts: { old: number; none?: number; current?: number; poisoned?: number }): Promise<Incident[]> {
    t = await createTestDatabase()
    dbs.push(t)
    const made: Incident[] = []
    let n = 0
    const add = async (kind: 'old' | 'none' | 'current' | 'poisoned') => {
      n++
      const values = {
        fingerprint: `h-${n}`,
        source: 'generic',
        severity: 'high' as const,
        status: 'resolved' as const,
        title: `${kind === 'poisoned' ? 'poison ' : ''}orders-db connection pool exhausted ${n}`,
        service: 'orders-db',
        startedAt: new Date(Date.now() - (100 - n) * DAY),
      }
      const [vector] = kind === 'none' ? [null] : await local.embed([incidentEmbeddingText(values)])
      made.push(await createIncident(t.handle.db, { ...values, embedding: vector, embeddingModel: kind === 'current' ? local.name : 'local-hashing' }))
    }
    for (let i = 0; i < counts.old; i++) await add('old')
    for (let i = 0; i < (counts.none ?? 0); i++) await add('none')
    for (let i = 0; i < (counts.current ?? 0); i++) await add('current')
    for (let i = 0; i < (counts.poisoned ?? 0); i++) await add('poisoned')
    return made
  }

  describe('meanwhile, vector search with mixed models', () => {
    it('never compares the query with vectors of another model: those are found by keywords and structured signals only', async () => {
      const [old, current] = [...(await history({ old: 1, current: 1 }))]
      // The old row holds exactly the vector the running model makes for the query: compared, it would be a perfect match.
      const text = incidentEmbeddingText(old!)
      const [vector] = await local.embed([text])
      const found = await searchIncidentCandidates(t.handle.db, {
        text,
        embedding: vector!,
        embeddingModel: local.name,
        service: 'orders-db',
        resourceType: null,
        policyName: null,
        before: new Date(),
        perRetriever: 30,
      })
      const byId = new Map(found.candidates.map((c) => [c.incident.id, c]))
      expect(byId.get(old!.id)).toMatchObject({ cosine: null, retrievedBy: { embedding: false, keywords: true, structured: true } })
      expect(byId.get(current!.id)).toMatchObject({ retrievedBy: { embedding: true } })
      expect(byId.get(current!.id)!.cosine).toBeGreaterThan(0.5)
    })
  })

  describe('reembedIncidents', () => {
    it('embeds the incidents of another model and those without an embedding, in batches, and leaves current ones alone', async () => {
      const made = await history({ old: 7, none: 2, current: 3 })
      const embedder = new SelectiveEmbedder()
      const batches: number[] = []
      const report = await reembedIncidents(embedder, incidentEmbeddingStore(t.handle.db), { batchSize: 4, onBatch: (p) => batches.push(p.embedded) })
      expect(report).toMatchObject({
        model: local.name,
        embedded: 9,
        failed: [],
        remaining: 0,
        before: {
          total: 9,
          byModel: [
            { model: 'local-hashing', count: 7 },
            { model: null, count: 2 },
          ],
        },
      })
      expect(batches).toEqual([4, 8, 9])
      expect(embedder.texts).toHaveLength(9)
      for (const incident of made) {
        const stored = await getIncidentEmbedding(t.handle.db, incident.id)
        expect(stored?.model).toBe(local.name)
        expect(stored!.vector).toEqual((await local.embed([incidentEmbeddingText(incident)]))[0]!.map((x) => expect.closeTo(x, 5)))
      }
      // Idempotent: a second pass finds nothing to do and embeds nothing.
      const again = await reembedIncidents(embedder, incidentEmbeddingStore(t.handle.db), { batchSize: 4 })
      expect(again).toMatchObject({ embedded: 0, remaining: 0, before: { total: 0 } })
      expect(embedder.texts).toHaveLength(9)
    })

    it('in a dry run only counts', async () => {
      await history({ old: 3, none: 1 })
      const embedder = new SelectiveEmbedder()
      const report = await reembedIncidents(embedder, incidentEmbeddingStore(t.handle.db), { batchSize: 10, dryRun: true })
      expect(report).toMatchObject({ dryRun: true, embedded: 0, remaining: 4, before: { total: 4 } })
      expect(embedder.texts).toEqual([])
    })

    it('resumes after a crash with what is left, without embedding the saved batches again', async () => {
      await history({ old: 10 })
      const store = incidentEmbeddingStore(t.handle.db)
      let saves = 0
      const crashing = {
        ...store,
        save: async (model: string, rows: Array<{ id: string; vector: number[] }>) => {
          if (++saves === 2) throw new Error('connection terminated')
          return store.save(model, rows)
        },
      }
      await expect(reembedIncidents(new SelectiveEmbedder(), crashing, { batchSize: 4 })).rejects.toThrow('connection terminated')
      const resumed = new SelectiveEmbedder()
      const report = await reembedIncidents(resumed, store, { batchSize: 4 })
      expect(report).toMatchObject({ before: { total: 6 }, embedded: 6, remaining: 0 })
      expect(resumed.texts).toHaveLength(6)
    })

    it('leaves an incident the embedder rejects for a later pass, says which and why, and embeds the rest of its batch', async () => {
      const made = await history({ old: 5, poisoned: 1 })
      const report = await reembedIncidents(new SelectiveEmbedder('poison'), incidentEmbeddingStore(t.handle.db), { batchSize: 10 })
      const poisoned = made.at(-1)!
      expect(report).toMatchObject({
        embedded: 5,
        remaining: 1,
        failed: [{ id: poisoned.id, number: poisoned.number, reason: 'INVALID_ARGUMENT: text rejected' }],
      })
      expect((await getIncidentEmbedding(t.handle.db, poisoned.id))?.model).toBe('local-hashing')
      // Once the embedder accepts it, the next pass finishes the job.
      expect(await reembedIncidents(new SelectiveEmbedder(), incidentEmbeddingStore(t.handle.db), { batchSize: 10 })).toMatchObject({
        embedded: 1,
        remaining: 0,
      })
    })

    it('rejects vectors of the wrong size, or without a direction, instead of storing them', async () => {
      await history({ old: 2 })
      const short: Embedder = { name: 'short-model', dimensions: 768, embed: async (texts) => texts.map(() => [1, 0, 0]) }
      const report = await reembedIncidents(short, incidentEmbeddingStore(t.handle.db), { batchSize: 10 })
      expect(report.embedded).toBe(0)
      expect(report.failed.map((f) => f.reason)).toEqual([
        'the embedder returned 3 dimensions, the column holds 768',
        'the embedder returned 3 dimensions, the column holds 768',
      ])
      const zero: Embedder = { name: 'zero-model', dimensions: 768, embed: async (texts) => texts.map(() => new Array<number>(768).fill(0)) }
      expect((await reembedIncidents(zero, incidentEmbeddingStore(t.handle.db), { batchSize: 10 })).failed.map((f) => f.reason)).toEqual(
        Array(2).fill('the embedder returned an all-zero vector (no text to embed?)'),
      )
    })
  })

  describe('the history.reembed job', () => {
    const prefix = `test-reembed-${randomBytes(4).toString('hex')}`
    let queue: BullmqJobQueue
    beforeEach(() => {
      queue = new BullmqJobQueue(TEST_REDIS_URL, prefix)
      return () => queue.close()
    })

    it('runs on one worker at a time: a second one, started meanwhile, returns at once', async () => {
      await history({ old: 3 })
      let release!: () => void
      let entered!: () => void
      const inside = new Promise<void>((r) => (entered = r))
      const gate = new Promise<void>((r) => (release = r))
      const slow: Embedder = {
        name: local.name,
        dimensions: 768,
        embed: async (texts) => {
          entered()
          await gate
          return local.embed(texts)
        },
      }
      const deps = { db: t.handle.db, tryWithLock: t.handle.tryWithLock, queue, logger }
      const first = processHistoryReembed({ ...deps, embedder: slow }, {})
      await inside
      // Another replica, on its own connection pool.
      const other = await (await import('../../../src/storage/database')).openDatabase(t.url, { poolSize: 2 })
      try {
        expect(await processHistoryReembed({ ...deps, db: other.db, tryWithLock: other.tryWithLock, embedder: local }, {})).toBeNull()
      } finally {
        await other.close()
      }
      release()
      expect(await first).toMatchObject({ embedded: 3, remaining: 0 })
    })

    it('schedules a later pass when incidents were left behind', async () => {
      const made = await history({ old: 2, poisoned: 1 })
      const report = await processHistoryReembed(
        { db: t.handle.db, tryWithLock: t.handle.tryWithLock, queue, logger, embedder: new SelectiveEmbedder('poison') },
        {},
      )
      expect(report).toMatchObject({ embedded: 2, failed: [{ id: made.at(-1)!.id }] })
      const bull = new Queue(queueNameFor('history.reembed'), { connection: { url: TEST_REDIS_URL }, prefix })
      try {
        const [job] = await bull.getDelayed()
        expect(job).toMatchObject({ name: 'history.reembed', data: { pass: 1 }, opts: { delay: REEMBED_RETRY_MS } })
      } finally {
        await bull.close()
      }
    })
  })

  describe('sre-agent reembed', () => {
    const cli = (args: string[], env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ['bin/sre-agent.js', 'reembed', ...args], { env: { ...process.env, ...env } }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      )

    it('counts in a dry run, then embeds, then has nothing to do', async () => {
      await history({ old: 3, none: 1, current: 1 })
      const env = { DATABASE_URL: t.url, EMBEDDINGS_PROVIDER: 'local' }
      const dry = await cli(['--dry-run'], env)
      expect(dry).toMatchObject({
        code: 0,
        stdout: '4 incident(s) to embed with local-hashing-v2: 3 from local-hashing, 1 without an embedding (dry run, nothing written)\n',
      })
      const run = await cli(['--batch', '2'], env)
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('Embedded 4 of 4 incident(s) with local-hashing-v2 (were: 3 from local-hashing, 1 without an embedding).')
      expect((await cli([], env)).stdout).toBe('Every incident is embedded with local-hashing-v2: nothing to do.\n')
    }, 60_000)

    it('answers a bad --batch with the usage, and a missing DATABASE_URL with a configuration error', async () => {
      const bad = await cli(['--batch', '0'], { DATABASE_URL: 'postgres://127.0.0.1:1/none' })
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('--batch needs a whole number from 1 to 1000, not "0"')
      const unconfigured = await cli(['--dry-run'], { DATABASE_URL: '' })
      expect(unconfigured.code).toBe(78)
      expect(unconfigured.stderr).toContain('DATABASE_URL is not set')
    }, 60_000)
  })
})
