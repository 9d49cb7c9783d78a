import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { CAPACITY_FLEET, SyntheticTelemetry } from '../../src/integrations/telemetry/synthetic'
import { FakeKubernetesApi } from '../fakes/kubernetes-api'
import { getAnalysisRecord, getLatestAnalysis } from '../../src/storage/repositories/analyses'
import { listOpenIncidents } from '../../src/storage/repositories/incidents'
import { eventually } from '../support/eventually'
import { DEMO_USERS } from '../../src/embedded/embedded-environment'
import { SCALE_ACTION_ID } from '../../src/slack/blocks/capacity-blocks'
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { getApprovalForStep } from '../../src/storage/repositories/approvals'
import { listExecutionsForIncident } from '../../src/storage/repositories/playbooks'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

// A Sunday: the 28 days before hold four whole weeks of weekday peaks.
const NOW = new Date('2026-03-15T00:00:00Z')
const CHANNEL = FAKE_WORKSPACE.channelId
const RESOURCES = { requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '1', memory: '1Gi' } }

describe('/sre capacity through the Bolt app and the Slack simulator, sizing synthetic services against a local Kubernetes API', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  const kube = new FakeKubernetesApi()
  let clock = NOW

  beforeAll(async () => {
    const kubeUrl = await kube.start()
    kube.addDeployment('discovery', 'search', 6, RESOURCES)
    kube.addAutoscaler('discovery', 'search', 2, 6)
    kube.addDeployment('discovery', 'recommendations', 8, RESOURCES)
    kube.addAutoscaler('discovery', 'recommendations', 8, 12)
    kube.addDeployment('discovery', 'reviews', 3, RESOURCES)
    kube.addAutoscaler('discovery', 'reviews', 2, 6)
    database = await createTestDatabase()
    env = await startEmbeddedEnvironment({
      databaseUrl: database.url,
      telemetry: new SyntheticTelemetry({ seed: 7, fleet: CAPACITY_FLEET }),
      now: () => clock,
      env: { KUBERNETES_API_URL: kubeUrl, KUBERNETES_TOKEN: 'fake-kube-token', KUBERNETES_NAMESPACE: 'discovery' },
    })
  })
  afterAll(async () => {
    await env?.stop()
    await database?.drop()
    await kube.stop()
  })

  async function ask(service: string): Promise<string> {
    const res = await env.sender.slashCommand({ text: `capacity ${service}`, channel_id: CHANNEL })
    expect(res.status).toBe(200)
    const answer = await eventually(async () =>
      env.fakeSlack.responses.find((r) => JSON.stringify(r.body).includes(`Capacity of ${service.replace(/^.*\//, '')}`)),
    )
    expect(answer.effect).toBe('ephemeral')
    return JSON.stringify(answer.body)
  }

  it('tells the hot service to raise its HPA max, with the forecast peak before and after and the cost', async () => {
    const body = await ask('search')
    expect(body).toContain('needs more capacity')
    expect(body).toContain('deployment discovery/search: 6 replicas, HPA 2–6, 0.5 vCPU requested, 1 GiB memory limit')
    expect(body).toMatch(/forecast next peak (8[5-9]|9\d|1\d\d) %/)
    expect(body).toMatch(/raise HPA max to (8|9|10) → \d+ % — \+\d[\d,.]* vCPU-h, \+\d[\d,.]* GiB-h a week/)
    const hpaReads = kube.requests.filter((r) => r.path === '/apis/autoscaling/v2/namespaces/discovery/horizontalpodautoscalers')
    expect(hpaReads.length).toBeGreaterThan(0)
    expect(kube.deployment('discovery', 'search')?.replicas).toBe(6)
  })

  it('offers the over-provisioned service a smaller HPA min, with its saving', async () => {
    const body = await ask('recommendations')
    expect(body).toContain('has capacity to spare')
    expect(body).toMatch(/lower HPA min to [2-4] → \d+ % at the peak — −\d[\d,.]* vCPU-h, −\d[\d,.]* GiB-h a week/)
  })

  it('answers no change needed for the healthy one, with its numbers', async () => {
    const body = await ask('discovery/reviews')
    expect(body).toContain('no change needed')
    expect(body).toMatch(/forecast next peak [4-7]\d %: \d+ % at 6 replicas, \d+ % at 2; no replica change needed/)
    expect(body).not.toContain('Suggested')
  })

  it('answers a bare `/sre capacity` with its usage, without asking Kubernetes', async () => {
    const before = kube.requests.length
    const res = await env.sender.slashCommand({ text: 'capacity', channel_id: CHANNEL })
    expect(JSON.stringify(res.body)).toContain('Usage: `/sre capacity &lt;service&gt;`')
    expect(kube.requests.length).toBe(before)
  })

  it('says when there is no such Deployment, escaped', async () => {
    await env.sender.slashCommand({ text: 'capacity <!channel>', channel_id: CHANNEL })
    const answer = await eventually(async () => env.fakeSlack.responses.find((r) => JSON.stringify(r.body).includes('There is no Deployment')))
    expect(JSON.stringify(answer.body)).toContain('`&lt;!channel&gt;`')
  })

  it('puts a capacity line in the analysis of an incident about saturation, with its numbers, as evidence of the explanation step', async () => {
    await env.sender.slashCommand({ text: 'analyze search CPU saturation at the evening peak', channel_id: CHANNEL })
    await env.idle(60_000)
    const incident = (await listOpenIncidents(env.runtime.database.db, 10)).find((i) => i.service === 'search')
    expect(incident).toBeDefined()
    const analysis = await getLatestAnalysis(env.runtime.database.db, incident!.id)
    const record = await getAnalysisRecord(env.runtime.database.db, analysis!.id)
    const step5 = record!.steps.find((s) => s.position === 5)
    expect(step5?.decision).toMatch(
      /capacity of search: CPU peak \d+ % of 6 replicas at \w{3} \d\d:00; .*raise HPA max to \d+ → \d+ % \(\+[\d.]+ vCPU-h, \+[\d.]+ GiB-h a week\)/,
    )
    const evidence = record!.evidence.filter((e) => e.stepPosition === 5)
    expect(evidence.map((e) => e.title)).toEqual(['Capacity of search (deployment discovery/search)'])
    expect(evidence[0]!.data).toMatchObject({ verdict: 'scale-up', recommendations: [{ kind: 'hpa-max', from: 6 }] })
  }, 60_000)

  it('the Scale button asks for approval with the dry run of the suggested HPA max; Reject changes nothing, Approve patches it once', async () => {
    const db = env.runtime.database.db
    const incident = (await listOpenIncidents(db, 10)).find((i) => i.service === 'search')!
    const offer = await eventually(
      async () => env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => JSON.stringify(m.blocks).includes(SCALE_ACTION_ID)),
      { what: 'the Scale offer in the thread' },
    )
    const to = Number(/raise the HPA max of discovery\/search 6 → (\d+)/.exec(offer.text ?? '')?.[1])
    expect(to).toBeGreaterThan(6)
    const hpaPatches = () => kube.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/horizontalpodautoscalers/'))
    const decide = async (actionId: string) => {
      await env.sender.blockAction({
        actionId: SCALE_ACTION_ID,
        value: `INC-${incident.number}`,
        messageTs: offer.ts,
        channelId: CHANNEL,
        userId: DEMO_USERS.other.id,
      })
      const { run, approval } = await eventually(
        async () => {
          const run = (await listExecutionsForIncident(db, incident.id)).find(
            (e) => e.playbookId === 'capacity-raise-hpa-max' && e.status === 'waiting_approval',
          )
          const found = run ? await getApprovalForStep(db, run.id, 0) : null
          return found?.slackTs ? { run: run!, approval: found } : undefined
        },
        { what: 'the approval request of the scale run', timeoutMs: 30_000 },
      )
      const message = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => m.ts === approval.slackTs)!
      expect(JSON.stringify(message.blocks)).toContain(`dry run accepted: HPA max 6 → ${to} replicas (min 2)`)
      await env.sender.blockAction({ actionId, value: approval.id, messageTs: approval.slackTs!, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
      await eventually(async () => (await listExecutionsForIncident(db, incident.id)).find((e) => e.id === run.id && e.status !== 'waiting_approval'), {
        what: 'the decision applied to the run',
        timeoutMs: 30_000,
      })
      await env.idle(30_000)
    }

    await decide(REJECT_ACTION_ID)
    expect(hpaPatches().map((r) => r.dryRun)).toEqual([true])
    expect(kube.autoscaler('discovery', 'search')).toMatchObject({ minReplicas: 2, maxReplicas: 6 })

    clock = new Date(NOW.getTime() + 2 * 60_000)
    await decide(APPROVE_ACTION_ID)
    const applied = hpaPatches().filter((r) => !r.dryRun)
    expect(applied).toEqual([
      expect.objectContaining({ path: '/apis/autoscaling/v2/namespaces/discovery/horizontalpodautoscalers/search-hpa', body: { spec: { maxReplicas: to } } }),
    ])
    expect(kube.autoscaler('discovery', 'search')).toMatchObject({ minReplicas: 2, maxReplicas: to })
    expect(kube.deployment('discovery', 'search')?.replicas).toBe(6)
  }, 90_000)
})
