import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { MANUAL_DONE_ACTION_ID } from '../../src/slack/blocks/playbook-blocks'
import { listApprovalRequestsForExecution } from '../../src/storage/repositories/approvals'
import { listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { listExecutionsForIncident } from '../../src/storage/repositories/playbooks'
import { ordersDbExhaustion, ScriptedTelemetry } from '../fakes/scripted-telemetry'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const USER = DEMO_USERS.approver.id

/** A post whose blocks carry this button: the question the run waits on. */
const carries = (actionId: string) => (args: Record<string, unknown>) => JSON.stringify(args.blocks ?? []).includes(actionId)

describe('a run set waiting whose question did not reach Slack, retried by its job (in-process jobs on Postgres)', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment | undefined

  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  /** A fresh environment; `failFirst` is set up before the alert is analysed, which may start a run. */
  async function analyze(playbooksDir: string, telemetry: ScriptedTelemetry, text: string, failFirst?: string): Promise<Incident> {
    await env?.stop()
    env = await startEmbeddedEnvironment({ databaseUrl: database.url, telemetry, env: { PLAYBOOKS_DIR: playbooksDir } })
    if (failFirst) env.fakeSlack.failNext('chat.postMessage', 'internal_error', { matching: carries(failFirst) })
    await env.sender.slashCommand({ text: `analyze ${text}`, channel_id: CHANNEL, user_id: USER })
    await env.idle()
    return (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === text)!
  }

  const questionsIn = (incident: Incident, actionId: string) =>
    env!.fakeSlack.thread(CHANNEL, incident.slackTs!).filter((m) => carries(actionId)({ blocks: m.blocks }))
  const failedPosts = (actionId: string) =>
    env!.fakeSlack.callsTo('chat.postMessage').filter((c) => carries(actionId)(c.args) && !(c.status === 200 && c.answer.ok))

  it('posts a manual step once on the retry', async () => {
    const incident = await analyze('test/fixtures/playbooks-failure', new ScriptedTelemetry({}), 'paging-svc paging storm')
    env!.fakeSlack.failNext('chat.postMessage', 'internal_error', { matching: carries(MANUAL_DONE_ACTION_ID) })
    const request = { playbookId: 'hand-steps', incidentNumber: incident.number, userId: USER, channelId: CHANNEL }
    await env!.runtime.handlers['playbook.start'](request, { jobId: 'hand', attempt: 1 })
    await env!.idle()
    expect(failedPosts(MANUAL_DONE_ACTION_ID)).toHaveLength(1)
    expect(questionsIn(incident, MANUAL_DONE_ACTION_ID)).toHaveLength(1)
    const [run] = (await listExecutionsForIncident(env!.runtime.database.db, incident.id)).filter((e) => e.playbookId === 'hand-steps')
    expect(run?.status).toBe('waiting_manual')
  })

  it('posts an approval request once on the retry, without creating a second request', async () => {
    const telemetry = ordersDbExhaustion(new Date(Date.now() - 15 * 60_000))
    const incident = await analyze('test/fixtures/playbooks', telemetry, 'orders-db pool exhausted (approval post failed)', APPROVE_ACTION_ID)
    expect(failedPosts(APPROVE_ACTION_ID)).toHaveLength(1)
    expect(questionsIn(incident, APPROVE_ACTION_ID)).toHaveLength(1)
    const [run] = await listExecutionsForIncident(env!.runtime.database.db, incident.id)
    expect(run?.status).toBe('waiting_approval')
    const approvals = await listApprovalRequestsForExecution(env!.runtime.database.db, run!.id)
    expect(approvals).toHaveLength(1)
    expect(approvals[0]?.slackTs).toBe(questionsIn(incident, APPROVE_ACTION_ID)[0]?.ts)
  })
})
