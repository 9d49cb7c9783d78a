import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, buildAppMentionEvent } from '../../src/embedded/slack-simulator'
import { ANALYSIS_SECTION_ACTION_ID } from '../../src/slack/blocks/analysis-summary-blocks'
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { CANCEL_EXECUTION_ACTION_ID } from '../../src/slack/blocks/playbook-blocks'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { listDeadLetters } from '../../src/storage/repositories/alerts'
import { getIncident, listOpenIncidents } from '../../src/storage/repositories/incidents'
import { listExecutionsForIncident } from '../../src/storage/repositories/playbooks'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { createPastIncident } from '../support/seed-incidents'
import { startOnTestServices } from '../support/test-environment'
import { loadAlertFixture } from '../unit/ingest/parsers/load-alert-fixture'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

describe('the bot against real Postgres, BullMQ workers on Redis and the Slack simulator', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  const since = new Date(Date.now() - 15 * 60_000)

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: ordersDbExhaustion(since),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks' },
    })
    await createPastIncident(env.runtime.database.db, {
      title: 'orders-db connection pool exhausted, orders-api timeouts',
      service: 'orders-db',
      rootCause: 'connection leak in orders-api after a driver upgrade',
      resolution: 'restarted pgbouncer and rolled back the driver',
      playbookId: 'db-connection-test',
    })
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  const postAlert = (route: string, body: unknown, token = env.alertToken) =>
    fetch(`${env.baseUrl}/alerts/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  describe('request signing', () => {
    it('rejects a request signed with the wrong secret with 401', async () => {
      const res = await env.sender.slashCommand({ text: 'help' }, { signingSecret: 'not-the-secret' })
      expect(res.status).toBe(401)
    })

    it('rejects a stale timestamp with 401', async () => {
      const res = await env.sender.slashCommand({ text: 'help' }, { stale: true })
      expect(res.status).toBe(401)
    })
  })

  describe('/sre', () => {
    it('answers an unknown subcommand with help text', async () => {
      const res = await env.sender.slashCommand({ text: 'frobnicate now' })
      expect(res.status).toBe(200)
      expect((res.body as { text: string }).text).toContain("I don't know `/sre frobnicate`")
      expect((res.body as { text: string }).text).toContain('/sre analyze')
    })

    it('lists the loaded playbooks', async () => {
      const res = await env.sender.slashCommand({ text: 'playbooks' })
      expect(res.status).toBe(200)
      const text = JSON.stringify(res.body)
      expect(text).toContain('db-connection-test')
      expect(text).toContain('latency-test')
    })

    it('acks analyze at once, then opens a thread, runs the playbook and stops at its approval step', async () => {
      const res = await env.sender.slashCommand({ text: 'analyze orders-db connection timeouts', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
      expect(res.status).toBe(200)
      expect((res.body as { text: string }).text).toMatch(/Analyzing/)
      const approval = await env.fakeSlack.waitForMessage(CHANNEL, (m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID), { timeoutMs: 15_000 })
      await env.idle()

      const incident = (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title.includes('orders-db connection timeouts'))!
      expect(incident.service).toBe('orders-db')
      const thread = env.fakeSlack.thread(CHANNEL, incident.slackTs!)
      // The compact thread: one analysis message, with the closest past incident on it.
      const analysis = thread.filter((m) => /^Assessment:/.test(m.text ?? ''))
      expect(analysis).toHaveLength(1)
      expect(JSON.stringify(analysis[0]!.blocks)).toMatch(/Closest past incident.*INC-\d+/)
      expect(approval.threadTs).toBe(incident.slackTs)
      const [execution] = await listExecutionsForIncident(env.runtime.database.db, incident.id)
      expect(execution).toMatchObject({ playbookId: 'db-connection-test', status: 'waiting_approval', nextStep: 2 })
      // The root message was edited in place as the analysis progressed.
      expect(env.fakeSlack.callsTo('chat.update').some((c) => c.args.ts === incident.slackTs)).toBe(true)
    })
  })

  describe('events', () => {
    it('publishes the App Home with the open incidents', async () => {
      const res = await env.sender.event({
        type: 'app_home_opened',
        user: DEMO_USERS.approver.id,
        channel: 'D0HOME',
        tab: 'home',
        event_ts: '1700000000.000001',
      })
      expect(res.status).toBe(200)
      const view = await eventually(async () => env.fakeSlack.views.find((v) => v.userId === DEMO_USERS.approver.id))
      expect(JSON.stringify(view.view)).toContain('orders-db connection timeouts')
    })

    it('analyses when mentioned with "analyze", replying in the thread', async () => {
      const mention = buildAppMentionEvent({ text: `<@${FAKE_WORKSPACE.botUserId}> analyze orders-db pool exhausted (mention)`, user: DEMO_USERS.approver.id })
      expect((await env.sender.event(mention)).status).toBe(200)
      const incident = await eventually(
        async () => (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === 'orders-db pool exhausted (mention)'),
        { what: 'incident from mention' },
      )
      await env.idle()
      expect(env.fakeSlack.thread(CHANNEL, mention.ts).some((m) => /On it/.test(m.text ?? ''))).toBe(true)
      expect(incident.createdBy).toBe(DEMO_USERS.approver.id)
    })
  })

  describe('approvals', () => {
    async function pendingApproval(text: string) {
      await env.sender.slashCommand({ text: `analyze ${text}`, channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
      const found = await eventually(
        async () => {
          const incident = (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === text)
          const message =
            incident?.slackTs && env.fakeSlack.thread(CHANNEL, incident.slackTs).find((m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID))
          return message && incident ? { message, incident } : undefined
        },
        { what: 'an approval request in the new thread' },
      )
      await env.idle()
      return found
    }

    it('refuses a click from a user who is not an approver, with an ephemeral message', async () => {
      const { message, incident } = await pendingApproval('orders-db connection pool exhausted again')
      const res = await env.sender.blockAction({ actionId: APPROVE_ACTION_ID, messageTs: message.ts, channelId: CHANNEL, userId: DEMO_USERS.other.id })
      expect(res.status).toBe(200)
      await env.idle()
      const refusal = await eventually(async () => env.fakeSlack.ephemerals.find((e) => e.user === DEMO_USERS.other.id), { what: 'the refusal' })
      expect(refusal?.text).toMatch(/not on this action's approver list/)
      const audit = await listAuditForIncident(env.runtime.database.db, incident.id)
      expect(audit.map((a) => a.action)).toContain('approval.refused')
      expect(audit.map((a) => a.action)).not.toContain('approval.approved')
      expect(env.automation.calls).toHaveLength(0)
    })

    it('approves once when the approver double-clicks, and runs the action once', async () => {
      const { message, incident } = await pendingApproval('orders-db connection timeouts during checkout')
      const clicks = await Promise.all(
        [1, 2].map(() => env.sender.blockAction({ actionId: APPROVE_ACTION_ID, messageTs: message.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })),
      )
      expect(clicks.map((c) => c.status)).toEqual([200, 200])
      await eventually(async () => env.automation.calls.length > 0, { what: 'the action to reach the automation' })
      await env.idle()
      const audit = await listAuditForIncident(env.runtime.database.db, incident.id)
      expect(audit.filter((a) => a.action === 'approval.approved')).toHaveLength(1)
      expect(audit.find((a) => a.action === 'approval.approved')?.actor).toBe(DEMO_USERS.approver.id)
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['action.executed', 'playbook.completed']))
      expect(env.automation.calls.filter((c) => (c.body as { incident?: string }).incident === `INC-${incident.number}`)).toHaveLength(1)
      const second = await eventually(
        async () => env.fakeSlack.ephemerals.find((e) => e.user === DEMO_USERS.approver.id && /already approved/.test(e.text ?? '')),
        { what: 'the answer to the second click' },
      )
      expect(second).toBeDefined()
      const [execution] = await listExecutionsForIncident(env.runtime.database.db, incident.id)
      expect(execution?.status).toBe('completed')
    })

    it('waits for a second approver on a high-risk action', async () => {
      const { message, incident } = await pendingApproval('logs-disk disk full on the log nodes')
      const click = (userId: string) => env.sender.blockAction({ actionId: APPROVE_ACTION_ID, messageTs: message.ts, channelId: CHANNEL, userId })
      await click(DEMO_USERS.approver.id)
      await env.idle()
      await eventually(async () => env.fakeSlack.ephemerals.some((e) => e.user === DEMO_USERS.approver.id && /1 of 2/.test(e.text ?? '')), {
        what: 'the vote receipt',
      })
      await eventually(async () => JSON.stringify(env.fakeSlack.message(CHANNEL, message.ts)?.blocks).includes('1 of 2 approvals'), {
        what: 'the request to show 1 of 2',
      })
      expect((await listExecutionsForIncident(env.runtime.database.db, incident.id))[0]?.status).toBe('waiting_approval')
      expect(env.automation.calls.some((c) => c.path.startsWith('/disk/'))).toBe(false)

      await click(FAKE_WORKSPACE.userId)
      await eventually(async () => (await listExecutionsForIncident(env.runtime.database.db, incident.id))[0]?.status === 'completed', {
        what: 'the run to complete',
      })
      await env.idle()
      expect(env.automation.calls.filter((c) => c.path === '/disk/logs-disk/cleanup')).toHaveLength(1)
      expect(JSON.stringify(env.fakeSlack.message(CHANNEL, message.ts)?.blocks)).toContain(
        `Approved by <@${DEMO_USERS.approver.id}> and <@${FAKE_WORKSPACE.userId}>`,
      )
    })

    it('cancels a run from its progress message, expiring its open approval', async () => {
      const { message, incident } = await pendingApproval('orders-db pool exhausted (to cancel)')
      const [execution] = await listExecutionsForIncident(env.runtime.database.db, incident.id)
      const cancel = (userId: string) =>
        env.sender.blockAction({ actionId: CANCEL_EXECUTION_ACTION_ID, messageTs: execution!.slackTs!, channelId: CHANNEL, userId })
      await cancel(DEMO_USERS.other.id)
      await env.idle()
      await eventually(async () => env.fakeSlack.ephemerals.some((e) => e.user === DEMO_USERS.other.id && /Only approvers/.test(e.text ?? '')), {
        what: 'the cancel refusal',
      })
      await cancel(DEMO_USERS.approver.id)
      await eventually(async () => (await listExecutionsForIncident(env.runtime.database.db, incident.id))[0]?.status === 'cancelled', { what: 'the cancel' })
      await env.idle()
      const approvalBlocks = JSON.stringify(env.fakeSlack.message(CHANNEL, message.ts)?.blocks)
      expect(approvalBlocks).toContain('Expired')
      expect(approvalBlocks).not.toContain(APPROVE_ACTION_ID)
      expect(JSON.stringify(env.fakeSlack.message(CHANNEL, execution!.slackTs!)?.blocks)).not.toContain(CANCEL_EXECUTION_ACTION_ID)
      const audit = await listAuditForIncident(env.runtime.database.db, incident.id)
      expect(audit.find((a) => a.action === 'playbook.cancelled')?.actor).toBe(DEMO_USERS.approver.id)
      await env.sender.blockAction({ actionId: APPROVE_ACTION_ID, messageTs: message.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
      await env.idle()
      expect(env.automation.calls.some((c) => (c.body as { incident?: string }).incident === `INC-${incident.number}`)).toBe(false)
    })

    it('runs a playbook on request with /sre run, and the requester cannot approve its action', async () => {
      const { incident } = await pendingApproval('orders-db pool timeouts (manual run)')
      const res = await env.sender.slashCommand({ text: `run latency-test INC-${incident.number}`, channel_id: CHANNEL, user_id: FAKE_WORKSPACE.userId })
      expect(JSON.stringify(res.body)).toContain('Starting')
      const run = await eventually(
        async () =>
          (await listExecutionsForIncident(env.runtime.database.db, incident.id)).find(
            (e) => e.playbookId === 'latency-test' && e.status === 'waiting_approval',
          ),
        { what: 'the manual run to reach its gate' },
      )
      expect(run.startedBy).toBe(FAKE_WORKSPACE.userId)
      await env.idle()
      const gate = env.fakeSlack
        .thread(CHANNEL, incident.slackTs!)
        .filter((m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID) && JSON.stringify(m.blocks).includes('circuit-breaker'))
        .at(-1)!
      await env.sender.blockAction({ actionId: APPROVE_ACTION_ID, messageTs: gate.ts, channelId: CHANNEL, userId: FAKE_WORKSPACE.userId })
      await env.idle()
      await eventually(async () => env.fakeSlack.ephemerals.some((e) => e.user === FAKE_WORKSPACE.userId && /someone else has to approve/.test(e.text ?? '')), {
        what: 'the self-approval refusal',
      })
      await env.sender.blockAction({ actionId: APPROVE_ACTION_ID, messageTs: gate.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
      await eventually(
        async () => (await listExecutionsForIncident(env.runtime.database.db, incident.id)).find((e) => e.id === run.id)?.status === 'completed',
        { what: 'the manual run to complete' },
      )
    })

    it('offers applicable playbooks with a Run button when none could start on its own', async () => {
      const { incident } = await (async () => {
        await env.sender.slashCommand({ text: 'analyze everything is slow today', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
        const found = await eventually(
          async () => {
            const i = (await listOpenIncidents(env.runtime.database.db)).find((x) => x.title === 'everything is slow today')
            const offer = i?.slackTs && env.fakeSlack.thread(CHANNEL, i.slackTs).find((m) => /^Playbooks for INC-/.test(m.text ?? ''))
            return offer && i ? { incident: i, offer } : undefined
          },
          { what: 'the playbook offer' },
        )
        await env.idle()
        return found
      })()
      expect(incident.service).toBeNull()
      expect(await listExecutionsForIncident(env.runtime.database.db, incident.id)).toEqual([])
      await env.sender.blockAction({ actionId: 'playbook_run:latency-test', channelId: CHANNEL, userId: FAKE_WORKSPACE.userId })
      const run = await eventually(async () => (await listExecutionsForIncident(env.runtime.database.db, incident.id))[0], { what: 'the offered run to start' })
      expect(run).toMatchObject({ playbookId: 'latency-test', startedBy: FAKE_WORKSPACE.userId })
      await env.idle()
    })

    it('names the probable cause along the service graph in the trail and the assessment', async () => {
      await env.sender.slashCommand({ text: 'analyze web-api latency above 3 s', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
      const assessment = await eventually(
        async () => {
          const i = (await listOpenIncidents(env.runtime.database.db)).find((x) => x.title === 'web-api latency above 3 s')
          return i?.slackTs ? env.fakeSlack.thread(CHANNEL, i.slackTs).find((m) => /^Assessment:/.test(m.text ?? '')) : undefined
        },
        { what: 'the assessment' },
      )
      await env.idle()
      expect(assessment.text).toContain('The service graph points at quotes')
      await env.sender.blockAction({
        actionId: `${ANALYSIS_SECTION_ACTION_ID}:trail`,
        messageTs: assessment.ts,
        channelId: CHANNEL,
        userId: DEMO_USERS.approver.id,
      })
      const trail = await env.fakeSlack.waitForMessage(CHANNEL, (m) => m.threadTs === assessment.threadTs && /^Reasoning trail of/.test(m.text ?? ''))
      expect(JSON.stringify(trail.blocks)).toContain('Which component is the probable cause?')
    })

    it('answers /sre run with an unknown playbook with the usage', async () => {
      const res = await env.sender.slashCommand({ text: 'run no-such-playbook INC-1' })
      expect(JSON.stringify(res.body)).toContain('There is no playbook `no-such-playbook`')
    })

    it('stops the playbook when the approver rejects', async () => {
      const { message, incident } = await pendingApproval('orders-db pool timeouts in eu')
      await env.sender.blockAction({ actionId: REJECT_ACTION_ID, messageTs: message.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
      await eventually(async () => (await listExecutionsForIncident(env.runtime.database.db, incident.id))[0]?.status === 'rejected', {
        what: 'the run to stop',
      })
      await env.idle()
      const updated = env.fakeSlack.message(CHANNEL, message.ts)
      expect(JSON.stringify(updated?.blocks)).toContain('Rejected')
      expect(JSON.stringify(updated?.blocks)).not.toContain(APPROVE_ACTION_ID)
    })
  })

  describe('alert webhooks', () => {
    const genericAlert = (overrides: Record<string, unknown> = {}) => ({
      title: 'orders-api 5xx above 5%',
      service: 'orders-api',
      severity: 'critical',
      fingerprint: `orders-5xx-${randomBytes(3).toString('hex')}`,
      ...overrides,
    })

    it('rejects a wrong token with 401', async () => {
      const res = await postAlert('generic', genericAlert(), 'wrong-token-wrong-token')
      expect(res.status).toBe(401)
    })

    it('answers a malformed alert with 400 naming the field, and keeps the body', async () => {
      const body = { service: 'orders-api', severity: 'critical' }
      const res = await postAlert('generic', body)
      expect(res.status).toBe(400)
      const answer = (await res.json()) as { field: string; message: string; deadLetterId: string }
      expect(answer.field).toBe('title')
      const kept = (await listDeadLetters(env.runtime.database.db)).find((d) => d.id === answer.deadLetterId)
      expect(kept).toMatchObject({ route: 'generic', field: 'title' })
      expect(JSON.parse(kept!.body)).toEqual(body)
    })

    it('answers a body that is not JSON with 400 and keeps it', async () => {
      const res = await postAlert('alertmanager', '{"version": "4", oops')
      expect(res.status).toBe(400)
      const answer = (await res.json()) as { error: string; deadLetterId: string }
      expect(answer.error).toBe('invalid_json')
      const kept = (await listDeadLetters(env.runtime.database.db)).find((d) => d.id === answer.deadLetterId)
      expect(kept?.body).toBe('{"version": "4", oops')
    })

    it('opens one incident for a repeated alert, posts it, and counts the repeat', async () => {
      const alert = genericAlert()
      const [first, second] = await Promise.all([postAlert('generic', alert), postAlert('generic', alert)])
      expect([first.status, second.status]).toEqual([202, 202])
      const results = [await first.json(), await second.json()] as Array<{ results: Array<{ outcome: string; incident: { id: string } }> }>
      expect(results.map((r) => r.results[0]!.outcome).sort()).toEqual(['opened', 'updated'])
      expect(results[0]!.results[0]!.incident.id).toBe(results[1]!.results[0]!.incident.id)
      const incident = await getIncident(env.runtime.database.db, results[0]!.results[0]!.incident.id)
      expect(incident?.alertCount).toBe(2)
      await env.fakeSlack.waitForMessage(CHANNEL, (m) => (m.text ?? '').includes('orders-api 5xx above 5%'), { timeoutMs: 15_000 })
      await env.idle()
      expect(env.fakeSlack.rootMessagesIn(CHANNEL).filter((m) => (m.text ?? '').includes(`INC-${incident!.number} `))).toHaveLength(1)
    })

    it("answers Cloud Monitoring's test notification with 200, opens no incident and says so in the incident channel", async () => {
      const res = await postAlert('gcp', loadAlertFixture('gcp-test-notification.json'))
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ accepted: 0, test: true })
      const note = await env.fakeSlack.waitForMessage(CHANNEL, (m) => (m.text ?? '').includes('test notification received'), { timeoutMs: 15_000 })
      expect(note.text).toContain('Cloud Monitoring test notification received from policy *checkout-api error rate*')
      await env.idle()
      expect((await listOpenIncidents(env.runtime.database.db, 100)).some((i) => i.fingerprint === 'gcp:12345')).toBe(false)
    })

    it("accepts a Grafana webhook and shows the alert's text and links on the root message", async () => {
      const recorded = loadAlertFixture('grafana-high-memory.json') as { alerts: Array<Record<string, unknown>> }
      const suffix = randomBytes(3).toString('hex')
      const body = {
        ...recorded,
        alerts: recorded.alerts.map((a) => ({ ...a, fingerprint: `${String(a.fingerprint)}-${suffix}`, startsAt: new Date().toISOString() })),
      }
      const res = await postAlert('grafana', body)
      expect(res.status).toBe(202)
      const answer = (await res.json()) as { results: Array<{ outcome: string; incident: { id: string; number: number } }> }
      expect(answer.results.map((r) => r.outcome)).toEqual(['opened', 'opened'])
      const number = answer.results[0]!.incident.number
      const root = await env.fakeSlack.waitForMessage(CHANNEL, (m) => (m.text ?? '').startsWith(`INC-${number} `), { timeoutMs: 15_000 })
      const blocks = JSON.stringify(root.blocks)
      expect(blocks).toContain('ledger-api pods use 93% of their memory limit in zone eu-1.')
      expect(blocks).toContain('<https://runbooks.acme.dev/ledger-api/memory|Runbook>')
      expect(blocks).toContain('<https://grafana.acme.dev/d/ledger-mem?orgId=1|Dashboard>')
      await env.idle()
    })

    it('resolves the incident when Cloud Monitoring sends state "closed"', async () => {
      const startedAt = Math.floor(Date.now() / 1000) - 600
      const incidentBody = (state: 'open' | 'closed') => ({
        version: '1.2',
        incident: {
          incident_id: `0.test${startedAt}`,
          scoping_project_id: 'p',
          url: 'https://console.cloud.google.com/monitoring/alerting/incidents/x',
          started_at: startedAt,
          ended_at: state === 'closed' ? startedAt + 300 : null,
          state,
          summary: 'latency above 2 s',
          resource: { type: 'k8s_container', labels: { container_name: 'web-api' } },
          metric: { type: 'custom.googleapis.com/latency', displayName: 'latency', labels: {} },
          policy_name: 'web-api latency > 2 s',
          condition_name: 'p95 > 2 s',
          severity: 'Warning',
          policy_user_labels: { service: 'web-api' },
        },
      })
      const opened = (await (await postAlert('gcp', incidentBody('open'))).json()) as { results: Array<{ incident: { id: string } }> }
      await env.idle()
      const closed = await postAlert('gcp', incidentBody('closed'))
      expect(closed.status).toBe(202)
      await env.idle()
      const incident = await getIncident(env.runtime.database.db, opened.results[0]!.incident.id)
      expect(incident?.status).toBe('resolved')
      const thread = env.fakeSlack.thread(CHANNEL, incident!.slackTs!)
      expect(thread.some((m) => /resolved after 5 min/.test(m.text ?? ''))).toBe(true)
    })
  })
})
