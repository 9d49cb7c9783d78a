import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobIdFor } from '../../src/core/jobs/job-queue'
import type { EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { createIncident } from '../../src/storage/repositories/incidents'
import { createExecution, getExecution, listExecutionSteps, type PlaybookExecution } from '../../src/storage/repositories/playbooks'
import { queueNameFor } from '../../src/workers/jobs'
import { eventually } from '../support/eventually'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'
import { startOnTestServices } from '../support/test-environment'

describe('how many jobs a playbook run takes (BullMQ on Redis)', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let advanceQueue: Queue
  beforeAll(async () => {
    database = await createTestDatabase()
    const queuePrefix = `steps-${randomBytes(4).toString('hex')}`
    env = await startOnTestServices(database, { queuePrefix, env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks-race' } })
    advanceQueue = new Queue(queueNameFor('playbook.advance'), { connection: { url: TEST_REDIS_URL }, prefix: queuePrefix })
  })
  afterAll(async () => {
    await advanceQueue?.close()
    await env?.stop()
    await database?.drop()
  })

  async function startChain(name: string): Promise<PlaybookExecution> {
    const db = env.runtime.database.db
    const playbook = env.runtime.playbooks.find((p) => p.id === 'chain')!
    const incident = await createIncident(db, {
      fingerprint: `steps:${name}`,
      source: 'generic',
      title: name,
      severity: 'info',
      service: 'steps-svc',
      startedAt: new Date(),
      slackChannel: FAKE_WORKSPACE.channelId,
    })
    return createExecution(db, {
      playbookId: playbook.id,
      playbookVersion: 1,
      definition: playbook,
      incidentId: incident.id,
      startedBy: 'system',
      slackChannel: FAKE_WORKSPACE.channelId,
      inputs: { service: 'steps-svc', target: 'steps-svc', incident: { number: incident.number, title: incident.title }, confidence: null, rationale: name },
    })
  }

  async function advanceJobsOf(executionId: string): Promise<string[]> {
    const ids = await Promise.all([0, 1, 2, 3, 4, 5].map(async (n) => ((await advanceQueue.getJob(jobIdFor('advance', executionId, n))) ? n : null)))
    return ids.filter((n) => n !== null).map((n) => jobIdFor('advance', executionId, n))
  }

  it('runs consecutive steps in the job that started the run, each stored in order', async () => {
    const db = env.runtime.database.db
    const execution = await startChain('one job')
    await env.runtime.queue.enqueue('playbook.advance', { executionId: execution.id }, { jobId: jobIdFor('advance', execution.id, 0) })
    await eventually(async () => (await getExecution(db, execution.id))?.status === 'completed', { what: 'the run to complete' })
    await env.idle()
    expect((await listExecutionSteps(db, execution.id)).map((s) => s.stepId)).toEqual(['one', 'two', 'three', 'four', 'five'])
    expect(await advanceJobsOf(execution.id)).toEqual([jobIdFor('advance', execution.id, 0)])
  })

  it('runs one step per job on a retry, so the step after it gets every attempt of its own', async () => {
    const db = env.runtime.database.db
    const execution = await startChain('retried')
    await env.runtime.handlers['playbook.advance']({ executionId: execution.id }, { jobId: 'retried', attempt: 2 })
    await eventually(async () => (await getExecution(db, execution.id))?.status === 'completed', { what: 'the run to complete' })
    await env.idle()
    // The retry ran step one and queued step two, whose job (a first attempt) ran the rest.
    expect(await advanceJobsOf(execution.id)).toEqual([jobIdFor('advance', execution.id, 1)])
  })
})
