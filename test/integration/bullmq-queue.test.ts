import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { afterEach, describe, expect, it } from 'vitest'
import { PermanentJobError } from '../../src/core/errors'
import { createLogger } from '../../src/logger'
import { BullmqJobQueue, BullmqWorkers } from '../../src/workers/bullmq-queue'
import type { JobName } from '../../src/core/jobs/job-queue'
import { queueNameFor, type JobHandlers } from '../../src/workers/jobs'
import { eventually } from '../support/eventually'
import { TEST_REDIS_URL } from '../support/services'
import { handlersDoingNothing } from '../support/job-handlers'

const logger = createLogger('silent')
const id = () => `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`

const handlers = handlersDoingNothing

describe('BullMQ job queue on Redis', () => {
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c()
  })

  async function start(h: JobHandlers) {
    const prefix = `test-${randomBytes(4).toString('hex')}`
    const queue = new BullmqJobQueue(TEST_REDIS_URL, prefix)
    const workers = new BullmqWorkers(TEST_REDIS_URL, prefix, h, logger, 2)
    workers.start()
    await workers.waitUntilReady()
    cleanup.push(async () => {
      await workers.close()
      await queue.close()
    })
    const counts = async (name: JobName) => {
      const q = new Queue(queueNameFor(name), { connection: { url: TEST_REDIS_URL }, prefix })
      try {
        return await q.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed')
      } finally {
        await q.close()
      }
    }
    return Object.assign(queue, { counts })
  }

  it('delivers the validated payload to the handler', async () => {
    const seen: string[] = []
    const queue = await start(
      handlers({
        'incident.analyze': async (d) => {
          seen.push(d.incidentId)
        },
      }),
    )
    const incidentId = id()
    await queue.enqueue('incident.analyze', { incidentId })
    await eventually(async () => seen.length === 1)
    expect(seen).toEqual([incidentId])
  })

  it('runs a job id once even when enqueued twice', async () => {
    let runs = 0
    const queue = await start(
      handlers({
        'incident.announce-resolution': async () => {
          runs++
        },
      }),
    )
    const incidentId = id()
    await queue.enqueue('incident.announce-resolution', { incidentId }, { jobId: `resolved-${incidentId}` })
    await queue.enqueue('incident.announce-resolution', { incidentId }, { jobId: `resolved-${incidentId}` })
    await queue.enqueue('incident.announce-resolution', { incidentId: id() })
    const done = await eventually(async () => {
      const c = await queue.counts('incident.announce-resolution')
      return c.completed === 2 && (c.waiting ?? 0) + (c.active ?? 0) === 0 && c
    })
    expect(done.completed).toBe(2)
    expect(runs).toBe(2)
  })

  it('retries a transient failure and gives up at once on a permanent one', async () => {
    const attempts: Record<string, number> = {}
    const queue = await start(
      handlers({
        'approval.apply-decision': async (d, meta) => {
          attempts[d.approvalId] = meta.attempt
          if (meta.attempt < 2) throw new Error('transient')
        },
        'approval.expire': async (d) => {
          attempts[d.approvalId] = (attempts[d.approvalId] ?? 0) + 1
          throw new PermanentJobError('no such approval')
        },
      }),
    )
    const transient = id()
    const permanent = id()
    await queue.enqueue('approval.apply-decision', { approvalId: transient })
    await queue.enqueue('approval.expire', { approvalId: permanent })
    await eventually(async () => attempts[transient] === 2, { what: 'the retry' })
    await eventually(async () => (await queue.counts('approval.expire')).failed === 1, { what: 'the permanent failure' })
    expect((await queue.counts('approval.expire')).delayed).toBe(0)
    expect(attempts[permanent]).toBe(1)
  })

  it('refuses to enqueue a payload that breaks its schema', async () => {
    const queue = await start(handlers({}))
    await expect(queue.enqueue('incident.analyze', { incidentId: 'not-a-uuid' })).rejects.toThrow()
  })
})
