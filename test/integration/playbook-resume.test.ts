import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { castApprovalVote, getApprovalForStep } from '../../src/storage/repositories/approvals'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { listExecutionSteps, listExecutionsForIncident, recordExecutionStep, updateExecution } from '../../src/storage/repositories/playbooks'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

describe('a playbook run resumed after a crash (in-process jobs on Postgres)', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startEmbeddedEnvironment({
      databaseUrl: database.url,
      telemetry: ordersDbExhaustion(new Date(Date.now() - 15 * 60_000)),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks' },
    })
  })
  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  async function runUntilApproval(text: string): Promise<{ incident: Incident; executionId: string }> {
    await env.sender.slashCommand({ text: `analyze ${text}`, channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
    await env.idle()
    const incident = (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === text)!
    const [execution] = await listExecutionsForIncident(env.runtime.database.db, incident.id)
    expect(execution?.status).toBe('waiting_approval')
    return { incident, executionId: execution!.id }
  }

  it('does not repeat finished steps or posts when the step job is delivered again', async () => {
    const { executionId } = await runUntilApproval('orders-db connection timeouts (replay)')
    const postsBefore = env.fakeSlack.callsTo('chat.postMessage').length
    const stepsBefore = await listExecutionSteps(env.runtime.database.db, executionId)
    await Promise.all([1, 2, 3].map(() => env.runtime.handlers['playbook.advance']({ executionId }, { jobId: 'replay', attempt: 2 })))
    await env.idle()
    expect(env.fakeSlack.callsTo('chat.postMessage').length).toBe(postsBefore)
    expect(await listExecutionSteps(env.runtime.database.db, executionId)).toEqual(stepsBefore)
  })

  it('runs an approved action once even when the job is replayed after it ran', async () => {
    const { incident, executionId } = await runUntilApproval('orders-db pool exhausted (approved replay)')
    const approval = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID))!
    await env.sender.blockAction({ actionId: APPROVE_ACTION_ID, messageTs: approval.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
    await eventually(async () => (await listExecutionsForIncident(env.runtime.database.db, incident.id))[0]?.status === 'completed', {
      what: 'the run to complete',
    })
    await Promise.all([1, 2].map(() => env.runtime.handlers['playbook.advance']({ executionId }, { jobId: 'replay', attempt: 2 })))
    await env.idle()
    const calls = env.automation.calls.filter((c) => (c.body as { incident?: string }).incident === `INC-${incident.number}`)
    expect(calls).toHaveLength(1)
    const audit = await listAuditForIncident(env.runtime.database.db, incident.id)
    expect(audit.filter((a) => a.action === 'action.executed')).toHaveLength(1)
  })

  it('re-sends the same idempotency key when a worker died between calling the automation and recording it', async () => {
    const { incident, executionId } = await runUntilApproval('orders-db pool exhausted (crash mid-action)')
    const db = env.runtime.database.db
    const gate = (await getApprovalForStep(db, executionId, 2))!
    await castApprovalVote(db, { approvalId: gate.id, decision: 'approved', userId: DEMO_USERS.approver.id, now: new Date() })
    // The crashed worker had advanced past the gate, marked the action started, and called the automation.
    await recordExecutionStep(db, { executionId, position: 2, stepId: 'approve-restart', kind: 'approval', status: 'succeeded', outcome: {} })
    await updateExecution(db, executionId, { status: 'running', nextStep: 3 })
    const key = `${executionId}:restart-pooler`
    await recordExecutionStep(db, {
      executionId,
      position: 3,
      stepId: 'restart-pooler',
      kind: 'action',
      status: 'waiting',
      idempotencyKey: key,
      outcome: { started: true },
    })
    await fetch(`${env.runtime.config.AUTOMATION_WEBHOOK_URL}/pgbouncer/restart`, { method: 'POST', headers: { 'idempotency-key': key }, body: '{}' })

    await env.runtime.handlers['playbook.advance']({ executionId }, { jobId: 'after-crash', attempt: 1 })
    await env.idle()
    const withKey = env.automation.calls.filter((c) => c.idempotencyKey === key)
    expect(withKey.map((c) => c.duplicate)).toEqual([false, true])
    const [execution] = await listExecutionsForIncident(db, incident.id)
    expect(execution?.status).toBe('completed')
  })
})
