import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { createLogger } from '../../src/logger'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { createIncident } from '../../src/storage/repositories/incidents'
import { createExecution, getExecution, listExecutionSteps } from '../../src/storage/repositories/playbooks'
import { BullmqWorkers } from '../../src/workers/bullmq-queue'
import { eventually } from '../support/eventually'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'
import { startOnTestServices } from '../support/test-environment'

describe('two BullMQ workers racing on one playbook execution', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let second: BullmqWorkers
  beforeAll(async () => {
    database = await createTestDatabase()
    const queuePrefix = `race-${randomBytes(4).toString('hex')}`
    env = await startOnTestServices(database, { queuePrefix, env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks-race' } })
    second = new BullmqWorkers(TEST_REDIS_URL, queuePrefix, env.runtime.handlers, createLogger('silent'), 8)
    second.start()
    await second.waitUntilReady()
  })
  afterAll(async () => {
    await second?.close()
    await env?.stop()
    await database?.drop()
  })

  it('runs each step once when the same step job is delivered many times at once', async () => {
    const db = env.runtime.database.db
    const playbook = env.runtime.playbooks.find((p) => p.id === 'chain')!
    const incident = await createIncident(db, {
      fingerprint: 'race:1',
      source: 'generic',
      title: 'race',
      severity: 'info',
      service: 'race-svc',
      startedAt: new Date(),
      slackChannel: FAKE_WORKSPACE.channelId,
    })
    const execution = await createExecution(db, {
      playbookId: playbook.id,
      playbookVersion: 1,
      definition: playbook,
      incidentId: incident.id,
      startedBy: 'system',
      slackChannel: FAKE_WORKSPACE.channelId,
      inputs: { service: 'race-svc', target: 'race-svc', incident: { number: incident.number, title: incident.title }, confidence: null, rationale: 'race' },
    })
    // Distinct job ids defeat BullMQ's own de-duplication: only the runner's guards are left.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => env.runtime.queue.enqueue('playbook.advance', { executionId: execution.id }, { jobId: `race-${i}` })),
    )
    await eventually(async () => (await getExecution(db, execution.id))?.status === 'completed', { what: 'the run to complete' })
    await env.idle()

    expect((await listExecutionSteps(db, execution.id)).map((s) => s.stepId)).toEqual(['one', 'two', 'three', 'four', 'five'])
    for (const text of ['step one', 'step two', 'step three', 'step four', 'step five']) {
      expect(env.fakeSlack.messagesIn(FAKE_WORKSPACE.channelId).filter((m) => m.text === text)).toHaveLength(1)
    }
    expect(env.fakeSlack.messagesIn(FAKE_WORKSPACE.channelId).filter((m) => /^Playbook Five notify steps/.test(m.text ?? ''))).toHaveLength(1)
    const audit = await listAuditForIncident(db, incident.id)
    expect(audit.filter((a) => a.action === 'playbook.completed')).toHaveLength(1)
    expect(audit.filter((a) => a.action === 'playbook.step_finished').map((a) => (a.details as { step: string }).step)).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
    ])
  })
})
