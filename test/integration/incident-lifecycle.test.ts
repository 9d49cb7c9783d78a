import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeResponseTimes } from '../../src/core/incidents/response-times'
import { CHECKOUT_CHANNEL, DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, findBlockKitViolations, viewInput, viewState } from '../../src/embedded/slack-simulator'
import { ACKNOWLEDGE_ACTION_ID, SEVERITY_ACTION_ID, UPDATE_ACTION_ID } from '../../src/slack/blocks/incident-action-ids'
import { DECLARE_VIEW_CALLBACK_ID, UPDATE_VIEW_CALLBACK_ID } from '../../src/slack/blocks/lifecycle-blocks'
import { RESOLVE_VIEW_CALLBACK_ID } from '../../src/slack/blocks/resolution-blocks'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { listIncidentEvents } from '../../src/storage/repositories/incident-events'
import { getIncident, getIncidentByNumber, listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { postGenericAlert, startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const ALICE = DEMO_USERS.approver.id
const BOB = DEMO_USERS.other.id

const text = viewInput.text
const pick = (value: string | null) => viewInput.choice(value, 'static_select')
const person = viewInput.user
const state = viewState

describe('the incident lifecycle in Slack, through the Bolt app and the Slack simulator', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  const db = () => env.runtime.database.db

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: ordersDbExhaustion(new Date(Date.now() - 15 * 60_000)),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks' },
    })
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  const postAlert = (body: Record<string, unknown>) => postGenericAlert(env, body)
  const openAlertIncident = async (fingerprint: string): Promise<Incident> => {
    const alert = { title: 'orders-db connection pool exhausted', service: 'orders-db', severity: 'high', fingerprint }
    expect((await postAlert(alert)).status).toBe(202)
    await env.idle()
    const incident = (await listOpenIncidents(db(), 50)).find((i) => i.fingerprint.includes(fingerprint))
    expect(incident?.slackTs).toBeTruthy()
    return incident!
  }
  const openedView = (): Record<string, unknown> & { id: string } => {
    const opened = env.fakeSlack.openedViews.at(-1)!
    return { ...opened.view, id: opened.viewId }
  }
  const rootOf = (incident: Incident) => JSON.stringify(env.fakeSlack.message(incident.slackChannel!, incident.slackTs!)?.blocks)
  const threadOf = (incident: Incident) => env.fakeSlack.thread(incident.slackChannel!, incident.slackTs!).map((m) => m.text ?? '')
  const audits = async (incident: Incident, action: string) => (await listAuditForIncident(db(), incident.id)).filter((e) => e.action === action)
  const events = async (incident: Incident, kind: string) => (await listIncidentEvents(db(), incident.id)).filter((e) => e.kind === kind)
  const storedTimes = (i: Incident) => computeResponseTimes(i)
  // Bolt answers Slack before a click's or a command's work is done (processBeforeResponse: false): wait for its last effect.
  const settled = async (what: string, probe: () => boolean | Promise<boolean>) => {
    await eventually(async () => (await probe()) || undefined, { what })
    await env.idle()
  }
  const viewsOpened = () => env.fakeSlack.openedViews.length

  describe('/sre declare', () => {
    it('opens the Declare form, answers bad input under each field and opens nothing', async () => {
      const before = (await listOpenIncidents(db(), 50)).length
      const opened = viewsOpened()
      await env.sender.slashCommand({ text: 'declare checkout payments failing', channel_id: CHECKOUT_CHANNEL })
      await settled('the Declare form', () => viewsOpened() > opened)
      const view = openedView()
      expect(JSON.stringify(view.blocks)).toContain('"initial_value":"checkout payments failing"')
      expect(view.callback_id).toBe(DECLARE_VIEW_CALLBACK_ID)
      expect(findBlockKitViolations(view.blocks, 'modal')).toEqual([])
      const res = await env.sender.viewSubmission({
        view,
        values: state({
          title: text('  '),
          service: text('payment api; drop table'),
          severity: pick('urgent'),
          description: text('x'.repeat(3001)),
          commander: person(null),
        }),
      })
      expect(res.body).toMatchObject({
        response_action: 'errors',
        errors: { title: 'Give the incident a title.', severity: 'Pick a severity.' },
      })
      expect(Object.keys((res.body as { errors: object }).errors).sort()).toEqual(['description', 'service', 'severity', 'title'])
      await env.idle()
      expect(await listOpenIncidents(db(), 50)).toHaveLength(before)
    })

    it('opens an incident from good input, led by the person picked, acknowledged by the declarer, and analyses it', async () => {
      const view = openedView()
      const res = await env.sender.viewSubmission({
        view,
        userId: ALICE,
        values: state({
          title: text('Checkout payments failing <!channel>'),
          service: text('payment-api'),
          severity: pick('critical'),
          description: text('Card payments time out since 10:02'),
          commander: person(BOB),
        }),
      })
      expect(res.status).toBe(200)
      expect(res.body ?? '').not.toMatchObject({ response_action: 'errors' })
      await env.idle()
      const declared = (await listOpenIncidents(db(), 50)).find((i) => i.title === 'Checkout payments failing <!channel>')
      expect(declared).toMatchObject({
        source: 'slack',
        service: 'payment-api',
        severity: 'critical',
        summary: 'Card payments time out since 10:02',
        createdBy: ALICE,
        commanderId: BOB,
        acknowledgedBy: ALICE,
        slackChannel: CHECKOUT_CHANNEL,
        ttaSeconds: 0,
      })
      expect(declared!.slackTs).toBeTruthy()
      const root = rootOf(declared!)
      expect(root).toContain(`<@${BOB}>`)
      expect(root).toContain('Checkout payments failing &lt;!channel&gt;'.slice(0, 10))
      expect(root).not.toContain(ACKNOWLEDGE_ACTION_ID)
      expect(await audits(declared!, 'incident.declared')).toHaveLength(1)
      expect(await events(declared!, 'declared')).toHaveLength(1)
      // Analysed like an alert's incident.
      expect(threadOf(declared!).some((t) => /Assessment/.test(t))).toBe(true)
    })
  })

  describe('Acknowledge', () => {
    let incident: Incident

    it('records the first click: who, when, commander, time to acknowledge, an event, an audit entry and a thread line', async () => {
      incident = await openAlertIncident('lifecycle-ack')
      expect(rootOf(incident)).toContain(ACKNOWLEDGE_ACTION_ID)
      expect(rootOf(incident)).toContain('Not acknowledged yet')
      const res = await env.sender.blockAction({ actionId: ACKNOWLEDGE_ACTION_ID, messageTs: incident.slackTs!, channelId: CHANNEL, userId: ALICE })
      expect(res.status).toBe(200)
      await settled('the root message without Acknowledge', () => !rootOf(incident).includes(ACKNOWLEDGE_ACTION_ID))
      const stored = (await getIncident(db(), incident.id))!
      expect(stored).toMatchObject({ acknowledgedBy: ALICE, commanderId: ALICE })
      expect(stored.acknowledgedAt).toBeInstanceOf(Date)
      expect(stored.ttaSeconds).not.toBeNull()
      expect(stored.ttaSeconds).toBe(storedTimes(stored).ttaSeconds)
      expect(await events(incident, 'acknowledged')).toMatchObject([{ actor: ALICE }])
      expect(await audits(incident, 'incident.acknowledged')).toHaveLength(1)
      expect(threadOf(incident).some((t) => t.includes(`<@${ALICE}> acknowledged INC-${incident.number}`) && t.includes('incident commander'))).toBe(true)
      const root = rootOf(incident)
      expect(root).not.toContain(ACKNOWLEDGE_ACTION_ID)
      expect(root).toContain(`Acknowledged by <@${ALICE}>`)
      expect(findBlockKitViolations(JSON.parse(root))).toEqual([])
    })

    it('tells a second person who acknowledged first and when, and changes nothing', async () => {
      const before = (await getIncident(db(), incident.id))!
      await env.sender.blockAction({
        actionId: ACKNOWLEDGE_ACTION_ID,
        value: String(incident.number),
        messageTs: incident.slackTs!,
        channelId: CHANNEL,
        userId: BOB,
      })
      await settled('the answer to the second click', () => env.fakeSlack.ephemerals.some((e) => e.user === BOB && /already acknowledged/.test(e.text ?? '')))
      const told = env.fakeSlack.ephemerals.find((e) => e.user === BOB && /already acknowledged/.test(e.text ?? ''))
      expect(told?.text).toContain(`by <@${ALICE}>`)
      expect(told?.text).toContain('<!date^')
      expect(await getIncident(db(), incident.id)).toMatchObject({ acknowledgedBy: ALICE, acknowledgedAt: before.acknowledgedAt, commanderId: ALICE })
      expect(await audits(incident, 'incident.acknowledged')).toHaveLength(1)
      expect(await events(incident, 'acknowledged')).toHaveLength(1)
    })
  })

  describe('status updates, severity and commander', () => {
    let incident: Incident

    beforeAll(async () => {
      incident = await openAlertIncident('lifecycle-updates')
    })

    it('Update opens the form at the current stage; a missing text is answered inline', async () => {
      const opened = viewsOpened()
      await env.sender.blockAction({ actionId: UPDATE_ACTION_ID, messageTs: incident.slackTs!, channelId: CHANNEL })
      await settled('the update form', () => viewsOpened() > opened)
      const view = openedView()
      expect(view.callback_id).toBe(UPDATE_VIEW_CALLBACK_ID)
      expect(JSON.stringify(view.blocks)).toContain('"initial_option":{"text":{"type":"plain_text","text":"Investigating"},"value":"investigating"}')
      const res = await env.sender.viewSubmission({ view, values: state({ stage: pick('identified'), update_text: text(' ') }) })
      expect(res.body).toMatchObject({ response_action: 'errors', errors: { update_text: 'Say what changed.' } })
      const bad = await env.sender.viewSubmission({ view, values: state({ stage: pick('sleeping'), update_text: text('x') }) })
      expect(bad.body).toMatchObject({ response_action: 'errors', errors: { stage: expect.any(String) } })
      await env.idle()
      expect(await events(incident, 'status_update')).toEqual([])
    })

    it('posts an update from the form: stored, in the thread, and on the root message with its stage', async () => {
      await env.sender.viewSubmission({
        view: openedView(),
        userId: BOB,
        values: state({ stage: pick('identified'), update_text: text('bad deploy of orders-api <!here>') }),
      })
      await settled('the update on the root message', () => rootOf(incident).includes('bad deploy of orders-api'))
      expect(await getIncident(db(), incident.id)).toMatchObject({ responseStage: 'identified', mitigatedAt: null, ttmSeconds: null })
      expect(await events(incident, 'status_update')).toMatchObject([
        { actor: BOB, text: 'bad deploy of orders-api <!here>', details: { stage: 'identified', from: 'investigating' } },
      ])
      expect(await audits(incident, 'incident.status_updated')).toHaveLength(1)
      expect(threadOf(incident).some((t) => t.includes('bad deploy of orders-api &lt;!here&gt;') && t.includes('identified'))).toBe(true)
      const root = rootOf(incident)
      expect(root).toContain('Latest update')
      expect(root).toContain('bad deploy of orders-api &lt;!here&gt;')
      expect(root).toContain(':bulb: Identified')
    })

    it('`/sre update INC-n monitoring text` posts at once and records the mitigation once', async () => {
      const res = await env.sender.slashCommand({
        text: `update INC-${incident.number} monitoring rolled back, error rate normal`,
        channel_id: CHECKOUT_CHANNEL,
      })
      expect((res.body as { text: string }).text).toContain('Posting your update')
      await settled('the command update on the root message', () => rootOf(incident).includes('rolled back, error rate normal'))
      const mitigated = (await getIncident(db(), incident.id))!
      expect(mitigated.responseStage).toBe('monitoring')
      expect(mitigated.mitigatedAt).toBeInstanceOf(Date)
      expect(mitigated.ttmSeconds).toBe(storedTimes(mitigated).ttmSeconds)
      expect(mitigated.ttmSeconds).not.toBeNull()
      expect(threadOf(incident).some((t) => t.includes('rolled back, error rate normal') && /mitigated/i.test(t))).toBe(true)

      // Without INC-n: the incident of the channel (the latest posted there); a second monitoring update keeps the first time.
      await env.sender.slashCommand({ text: 'update still fine', channel_id: CHANNEL })
      await settled('the second update on the root message', () => rootOf(incident).includes('still fine'))
      const again = (await getIncident(db(), incident.id))!
      expect(again.mitigatedAt).toEqual(mitigated.mitigatedAt)
      expect((await events(incident, 'status_update')).map((e) => e.details)).toMatchObject([
        { stage: 'identified' },
        { stage: 'monitoring', mitigated: true },
        { stage: 'monitoring', mitigated: false },
      ])
      expect(rootOf(incident)).toContain('still fine')
    })

    it('the severity menu changes the severity, with an event, an audit entry and a thread line', async () => {
      const res = await env.sender.blockAction({
        actionId: SEVERITY_ACTION_ID,
        messageTs: incident.slackTs!,
        channelId: CHANNEL,
        userId: ALICE,
        selectedOption: { text: 'Critical', value: `${incident.number}:critical` },
      })
      expect(res.status).toBe(200)
      await settled('the severity on the root message', () => rootOf(incident).includes(`"value":"${incident.number}:critical"}}`))
      expect(await getIncident(db(), incident.id)).toMatchObject({ severity: 'critical' })
      expect(await events(incident, 'severity')).toMatchObject([{ actor: ALICE, details: { from: 'high', to: 'critical' } }])
      expect(await audits(incident, 'incident.severity_changed')).toHaveLength(1)
      expect(threadOf(incident).some((t) => t.includes(`<@${ALICE}> changed the severity of INC-${incident.number} from high to *critical*`))).toBe(true)
      expect(rootOf(incident)).toContain(`"initial_option":{"text":{"type":"plain_text","text":"Critical"},"value":"${incident.number}:critical"}`)
    })

    it('`/sre severity` changes it from the keyboard and refuses a severity it does not know', async () => {
      const bad = await env.sender.slashCommand({ text: `severity INC-${incident.number} urgent` })
      expect((bad.body as { text: string }).text).toContain('Usage')
      await env.sender.slashCommand({ text: `severity INC-${incident.number} warning`, user_id: BOB })
      await settled('the new severity on the root message', () => rootOf(incident).includes(`"value":"${incident.number}:warning"}}`))
      expect(await getIncident(db(), incident.id)).toMatchObject({ severity: 'warning' })
      expect((await events(incident, 'severity')).at(-1)).toMatchObject({ actor: BOB, details: { from: 'critical', to: 'warning' } })
    })

    it('`/sre commander INC-n @person` names the commander from an escaped mention', async () => {
      const bad = await env.sender.slashCommand({ text: `commander INC-${incident.number} bob` })
      expect((bad.body as { text: string }).text).toContain('Usage')
      const res = await env.sender.slashCommand({ text: `commander INC-${incident.number} <@${BOB}|bob>`, user_id: ALICE })
      expect((res.body as { text: string }).text).toContain(`<@${BOB}> now leads INC-${incident.number}`)
      await settled('the commander on the root message', () => rootOf(incident).includes(`*Commander*\\n<@${BOB}>`))
      expect(await getIncident(db(), incident.id)).toMatchObject({ commanderId: BOB })
      expect(await events(incident, 'commander')).toMatchObject([{ actor: ALICE, details: { from: null, to: BOB } }])
      expect(await audits(incident, 'incident.commander_changed')).toHaveLength(1)
      expect(threadOf(incident).some((t) => t.includes(`<@${ALICE}> made <@${BOB}> the incident commander`))).toBe(true)
      expect(rootOf(incident)).toContain(`*Commander*\\n<@${BOB}>`)
    })

    it('the stage "resolved" turns the form into the Resolve form, and saving it stores the response times', async () => {
      const opened = viewsOpened()
      await env.sender.blockAction({ actionId: UPDATE_ACTION_ID, messageTs: incident.slackTs!, channelId: CHANNEL })
      await settled('the update form', () => viewsOpened() > opened)
      const update = openedView()
      const res = await env.sender.viewSubmission({ view: update, values: state({ stage: pick('resolved'), update_text: text('rolled back orders-api') }) })
      const answer = res.body as {
        response_action: string
        view: Record<string, unknown> & { blocks: Array<{ block_id?: string; element?: Record<string, unknown> }> }
      }
      expect(answer.response_action).toBe('update')
      expect(answer.view.callback_id).toBe(RESOLVE_VIEW_CALLBACK_ID)
      expect(findBlockKitViolations(answer.view.blocks, 'modal')).toEqual([])
      expect(answer.view.blocks.find((b) => b.block_id === 'resolution')?.element?.initial_value).toBe('rolled back orders-api')
      await env.idle()
      expect(await getIncident(db(), incident.id)).toMatchObject({ status: 'open' })

      await env.sender.viewSubmission({
        view: { ...answer.view, id: update.id },
        userId: BOB,
        values: state({
          resolution: text('rolled back orders-api'),
          outcome: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'worked' }, value: 'worked' } },
          root_cause: text('bad deploy'),
          diagnosis: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'right' }, value: 'right' } },
          same_incident: pick('none'),
        }),
      })
      await settled('the resolved root message', () => rootOf(incident).includes(':white_check_mark: Resolved'))
      const resolved = (await getIncident(db(), incident.id))!
      expect(resolved).toMatchObject({ status: 'resolved', responseStage: 'resolved', resolution: 'rolled back orders-api' })
      // The mitigation stays the monitoring update's; resolution is measured too.
      expect(resolved.mitigatedAt!.getTime()).toBeLessThan(resolved.resolvedAt!.getTime())
      expect(resolved.ttrSeconds).not.toBeNull()
      expect({ tta: resolved.ttaSeconds, ttm: resolved.ttmSeconds, ttr: resolved.ttrSeconds }).toEqual({
        tta: storedTimes(resolved).ttaSeconds,
        ttm: storedTimes(resolved).ttmSeconds,
        ttr: storedTimes(resolved).ttrSeconds,
      })
      const root = rootOf(incident)
      expect(root).toContain(':white_check_mark: Resolved')
      expect(root).not.toContain(UPDATE_ACTION_ID)
    })

    it('without INC-n in a channel with no incident, a command says how to name one', async () => {
      const res = await env.sender.slashCommand({ text: 'severity high', channel_id: 'C0EMPTY' })
      expect((res.body as { text: string }).text).toContain('/sre severity INC-n')
    })
  })

  it('an alert that resolves an acknowledged incident stores its times, mitigated when resolved', async () => {
    const incident = await openAlertIncident('lifecycle-alert-resolves')
    await env.sender.blockAction({ actionId: ACKNOWLEDGE_ACTION_ID, messageTs: incident.slackTs!, channelId: CHANNEL, userId: BOB })
    await settled('the acknowledgement', () => !rootOf(incident).includes(ACKNOWLEDGE_ACTION_ID))
    const res = await postAlert({
      title: 'orders-db connection pool exhausted',
      service: 'orders-db',
      severity: 'high',
      fingerprint: 'lifecycle-alert-resolves',
      status: 'resolved',
    })
    expect(res.status).toBe(202)
    await env.idle()
    const resolved = (await getIncidentByNumber(db(), incident.number))!
    expect(resolved).toMatchObject({ status: 'resolved', responseStage: 'resolved' })
    expect(resolved.mitigatedAt).toEqual(resolved.resolvedAt)
    expect(resolved.ttrSeconds).toBe(storedTimes(resolved).ttrSeconds)
    expect(resolved.ttmSeconds).toBe(resolved.ttrSeconds)
    expect(resolved.ttaSeconds).not.toBeNull()
  })
})
