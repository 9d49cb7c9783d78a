import { randomBytes, randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { incidentEmbeddingText } from '../../src/core/correlation/embedder'
import { HashingEmbedder } from '../../src/core/correlation/hashing-embedder'
import { startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { createLogger } from '../../src/logger'
import { createIncident } from '../../src/storage/repositories/incidents'
import { incidentEmbeddingStore } from '../../src/storage/repositories/incident-embeddings'
import { BullmqWorkers } from '../../src/workers/bullmq-queue'
import { JOB_NAMES } from '../../src/core/jobs/job-queue'
import { queueNameFor } from '../../src/workers/jobs'
import { REEMBED_RETRY_MS } from '../../src/workers/processors/history-reembed'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase } from '../support/test-database'
import { handlersDoingNothing } from '../support/job-handlers'

const DAY = 86_400_000
const local = new HashingEmbedder(768)

describe('the embedded environment', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  describe('at start, like a worker', () => {
    it('re-embeds the incidents an older model embedded, in its in-process jobs', async () => {
      const database = await createTestDatabase()
      cleanups.push(() => database.drop())
      for (let n = 1; n <= 3; n++) {
        const values = {
          fingerprint: `old-${n}`,
          source: 'generic',
          severity: 'high' as const,
          status: 'resolved' as const,
          title: `orders-db connection pool exhausted ${n}`,
          service: 'orders-db',
          startedAt: new Date(Date.now() - n * DAY),
        }
        const [vector] = await local.embed([incidentEmbeddingText(values)])
        await createIncident(database.handle.db, { ...values, embedding: vector, embeddingModel: 'local-hashing' })
      }
      const store = incidentEmbeddingStore(database.handle.db)
      expect((await store.countStale(local.name)).total).toBe(3)

      const env = await startEmbeddedEnvironment({ databaseUrl: database.url })
      cleanups.push(() => env.stop())
      await env.idle()
      expect(await store.countStale(local.name)).toEqual({ total: 0, byModel: [] })
    })
  })

  describe('idle() on BullMQ', () => {
    let env: EmbeddedEnvironment
    const prefix = `embedded-idle-${randomBytes(4).toString('hex')}`
    const ran: string[] = []
    let scanAttempts = 0

    it('waits for a failed job to be retried, and not for jobs planned for later (an expiry, the next re-embedding pass)', async () => {
      const handlers = handlersDoingNothing({
        'approval.expire': async () => {
          ran.push('approval.expire')
        },
        'history.reembed': async () => {
          ran.push('history.reembed')
        },
        'telemetry.scan': async () => {
          scanAttempts++
          if (scanAttempts === 1) throw new Error('the first attempt fails')
        },
      })
      const database = await createTestDatabase()
      cleanups.push(() => database.drop())
      env = await startEmbeddedEnvironment({ databaseUrl: database.url, redisUrl: TEST_REDIS_URL, queuePrefix: prefix, workers: false })
      cleanups.push(() => env.stop())
      const workers = new BullmqWorkers(TEST_REDIS_URL, prefix, handlers, createLogger('silent'), 2)
      workers.start()
      await workers.waitUntilReady()
      cleanups.push(async () => {
        await workers.close()
        for (const name of JOB_NAMES) {
          const queue = new Queue(queueNameFor(name), { connection: { url: TEST_REDIS_URL }, prefix })
          await queue.obliterate({ force: true })
          await queue.close()
        }
      })

      await env.runtime.queue.enqueue('approval.expire', { approvalId: randomUUID() }, { delayMs: 30 * 60_000 })
      await env.runtime.queue.enqueue('history.reembed', { pass: 1 }, { delayMs: REEMBED_RETRY_MS })
      await env.idle()
      expect(ran).toEqual([])

      await env.runtime.queue.enqueue('telemetry.scan', {})
      await env.idle()
      expect(scanAttempts).toBe(2)
      expect(ran).toEqual([])
    })
  })
})
