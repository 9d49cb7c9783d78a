import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AutomationReceiver } from '../../src/embedded/automation-receiver'
import { DEMO_USERS, startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { listExecutionSteps, listExecutionsForIncident } from '../../src/storage/repositories/playbooks'
import { MANUAL_DONE_ACTION_ID } from '../../src/slack/blocks/playbook-blocks'
import { FakeKubernetesApi } from '../fakes/kubernetes-api'
import { ScriptedTelemetry } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

describe('approval policy, failing and slow actions, and expiry (in-process jobs on Postgres)', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  const automation = new AutomationReceiver({
    hang: (c) => c.path === '/slow',
    fail: (c) => (c.path === '/fail' || c.path === '/health/flow-svc' ? 500 : undefined),
  })

  const kube = new FakeKubernetesApi()

  beforeAll(async () => {
    const kubeUrl = await kube.start()
    kube.addDeployment('prod', 'scale-svc', 3)
    database = await createTestDatabase()
    env = await startEmbeddedEnvironment({
      databaseUrl: database.url,
      automation,
      telemetry: new ScriptedTelemetry({}),
      env: {
        PLAYBOOKS_DIR: 'test/fixtures/playbooks-policy',
        AUTO_APPROVE_MAX_RISK: 'low',
        AUTO_APPROVE_MIN_CONFIDENCE: '0',
        KUBERNETES_API_URL: kubeUrl,
        KUBERNETES_TOKEN: 'fake-kube-token',
      },
    })
  })
  afterAll(async () => {
    await env?.stop()
    await database?.drop()
    await kube.stop()
  })

  async function analyze(text: string): Promise<Incident> {
    await env.sender.slashCommand({ text: `analyze ${text}`, channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
    await env.idle()
    return (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === text)!
  }
  const runOf = async (incident: Incident) => (await listExecutionsForIncident(env.runtime.database.db, incident.id))[0]!
  const actionsOf = async (incident: Incident) => (await listAuditForIncident(env.runtime.database.db, incident.id)).map((a) => a.action)
  const approvalIdOf = async (incident: Incident) =>
    (await listAuditForIncident(env.runtime.database.db, incident.id)).find((a) => a.subjectType === 'approval_request')!.subjectId
  const approve = async (incident: Incident) => {
    // Found by its text: once decided or expired the message no longer carries the buttons.
    const gate = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => /^Approval /.test(m.text ?? ''))!
    await env.sender.blockAction({
      actionId: APPROVE_ACTION_ID,
      value: await approvalIdOf(incident),
      messageTs: gate.ts,
      channelId: CHANNEL,
      userId: DEMO_USERS.approver.id,
    })
  }

  it('runs a low-risk action without a human when the playbook and the policy both allow it', async () => {
    const incident = await analyze('cache-svc eviction storm')
    expect((await runOf(incident)).status).toBe('completed')
    expect(automation.calls.filter((c) => c.path === '/cache/flush')).toHaveLength(1)
    const audit = await listAuditForIncident(env.runtime.database.db, incident.id)
    expect(audit.find((a) => a.action === 'approval.auto_approved')?.actor).toBe('policy')
    expect(JSON.stringify(env.fakeSlack.thread(CHANNEL, incident.slackTs!).map((m) => m.blocks))).toContain('automatically by policy')
  })

  it('still asks a human for a medium-risk action when the policy stops at low', async () => {
    const incident = await analyze('queue-svc backlog growing')
    expect((await runOf(incident)).status).toBe('waiting_approval')
    expect(await actionsOf(incident)).toContain('approval.requested')
    expect(automation.calls.some((c) => c.path === '/queue/scale')).toBe(false)
  })

  it('fails the run, without retrying, when the automation rejects the action', async () => {
    const incident = await analyze('pay-svc refunds stuck')
    await approve(incident)
    await eventually(async () => (await runOf(incident)).status === 'failed', { what: 'the run to fail' })
    await env.idle()
    expect(automation.calls.filter((c) => c.path === '/fail')).toHaveLength(1)
    expect(await actionsOf(incident)).toContain('action.failed')
    // The action's result is the line of its step on the run's progress message.
    const progress = env.fakeSlack.message(CHANNEL, (await runOf(incident)).slackTs!)
    expect(progress?.text).toMatch(/: failed$/)
    expect(JSON.stringify(progress?.blocks)).toMatch(/:x: \d+\. [^\\]*_\(action\)_: 500/)
  })

  it('gives up on an action that outlives its timeout and says it may have run', async () => {
    const incident = await analyze('slow-svc stuck jobs')
    await approve(incident)
    await eventually(async () => (await runOf(incident)).status === 'failed', { what: 'the action to time out' })
    await env.idle()
    const progress = JSON.stringify(env.fakeSlack.message(CHANNEL, (await runOf(incident)).slackTs!)?.blocks)
    expect(progress).toMatch(/no answer within 1s; it may or may not have run \(Idempotency-Key/)
    expect(automation.calls.filter((c) => c.path === '/slow')).toHaveLength(1)
  })

  it('probes, branches on the result, waits for a person to confirm a manual step, then asks for approval', async () => {
    const incident = await analyze('flow-svc flow stuck')
    const run = await runOf(incident)
    expect(run.status).toBe('waiting_manual')
    expect(automation.calls.some((c) => c.path === '/health/flow-svc')).toBe(true)
    const manual = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => /^Manual step/.test(m.text ?? ''))!
    const click = (userId: string) => env.sender.blockAction({ actionId: MANUAL_DONE_ACTION_ID, messageTs: manual.ts, channelId: CHANNEL, userId })
    await Promise.all([click(DEMO_USERS.other.id), click(DEMO_USERS.other.id)])
    await eventually(async () => (await runOf(incident)).status === 'waiting_approval', { what: 'the run to reach its gate' })
    await env.idle()
    const audit = await actionsOf(incident)
    expect(audit.filter((a) => a === 'manual.confirmed')).toHaveLength(1)
    expect(env.fakeSlack.message(CHANNEL, manual.ts)?.text).toMatch(/^Manual step done/)
    await approve(incident)
    await eventually(async () => (await runOf(incident)).status === 'completed', { what: 'the run to complete' })
    expect(automation.calls.filter((c) => c.path === '/restart/flow-svc')).toHaveLength(1)
    const steps = await listExecutionSteps(env.runtime.database.db, run.id)
    expect(steps.map((s) => s.stepId)).toEqual(['check-health', 'route', 'drain-by-hand', 'gate', 'act'])
    expect(steps.find((s) => s.stepId === 'route')?.outcome).toMatchObject({ tested: 'check-health', passed: false, goto: 3 })
    expect(JSON.stringify(env.fakeSlack.message(CHANNEL, run.slackTs!)?.blocks)).toContain(':fast_forward: 3. Healthy')
  })

  it('ends the run at a branch when the probe says the service is healthy', async () => {
    const incident = await analyze('flow-ok flow check')
    const run = await runOf(incident)
    expect(run.status).toBe('completed')
    expect((await listExecutionSteps(env.runtime.database.db, run.id)).map((s) => s.stepId)).toEqual(['check-health', 'route'])
    expect(automation.calls.some((c) => c.path === '/restart/flow-ok')).toBe(false)
  })

  it('previews a Kubernetes scale with a dry run, and runs exactly what was approved', async () => {
    const incident = await analyze('scale-svc saturation at peak')
    const gate = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => /^Approval /.test(m.text ?? ''))!
    expect(JSON.stringify(gate.blocks)).toContain('dry run accepted: 3 → 6 replicas')
    expect(kube.deployment('prod', 'scale-svc')?.replicas).toBe(3)
    await approve(incident)
    await eventually(async () => (await runOf(incident)).status === 'completed', { what: 'the scale to run' })
    expect(kube.deployment('prod', 'scale-svc')?.replicas).toBe(6)
    const executed = (await listAuditForIncident(env.runtime.database.db, incident.id)).find((a) => a.action === 'action.executed')
    expect(executed?.details).toMatchObject({ request: { type: 'kubernetes', operation: 'scale', replicas: 6 } })
    for (const where of ['C0CHECKOUT', 'D0ALICE']) {
      const told = env.fakeSlack.messagesIn(where).find((m) => m.text === 'scale-svc was scaled out; check the HPA limits.')
      expect(JSON.stringify(told?.blocks)).toContain(`INC-${incident.number}`)
    }
  })

  it('expires an undecided approval, stops the run and pages the escalation contacts', async () => {
    const incident = await analyze('exp-svc expiry drill')
    await eventually(async () => (await runOf(incident)).status === 'failed', { timeoutMs: 10_000, what: 'the approval to expire' })
    await env.idle()
    const escalation = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => /Escalating to/.test(m.text ?? ''))
    expect(escalation?.text).toContain('<@U0LEAD>')
    expect(escalation?.text).toContain('/sre run expiring')
    expect(await actionsOf(incident)).toContain('approval.expired')
    await approve(incident)
    const refusal = await eventually(async () => env.fakeSlack.ephemerals.find((e) => e.user === DEMO_USERS.approver.id), {
      what: 'the answer to a late click',
    })
    expect(refusal.text).toBe(':hourglass: This approval request has expired; nothing was run.')
    expect(automation.calls.some((c) => c.path === '/never')).toBe(false)
  })
})
