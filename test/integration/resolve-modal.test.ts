import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, viewInput, viewState } from '../../src/embedded/slack-simulator'
import { RESOLVE_ACTION_ID } from '../../src/slack/blocks/resolution-blocks'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { getIncident, type Incident } from '../../src/storage/repositories/incidents'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { openAnalysedOrdersDbIncident } from '../support/analysed-incident'
import { eventually } from '../support/eventually'
import { startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

type Block = { block_id?: string; element?: Record<string, unknown> }
const text = viewInput.text
const choice = viewInput.choice
const state = viewState

describe('the Resolve form, through the Bolt app and the Slack simulator', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let incident: Incident
  let pastId: string
  const since = new Date(Date.now() - 15 * 60_000)

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: ordersDbExhaustion(since),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks' },
    })
    const opened = await openAnalysedOrdersDbIncident(env)
    incident = opened.incident
    pastId = opened.past.id
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  const blocksOf = (view: Record<string, unknown>) => view.blocks as Block[]
  const element = (view: Record<string, unknown>, blockId: string) => blocksOf(view).find((b) => b.block_id === blockId)?.element ?? {}
  const openedView = (): Record<string, unknown> & { id: string } => {
    const opened = env.fakeSlack.openedViews.at(-1)!
    return { ...opened.view, id: opened.viewId }
  }
  const resolutionAudits = async () =>
    (await listAuditForIncident(env.runtime.database.db, incident.id)).filter((e) => e.action === 'incident.resolution_recorded')

  it('opens the form from the root message, pre-filled from the analysis and its top match', async () => {
    expect(incident.slackTs).toBeTruthy()
    const res = await env.sender.blockAction({ actionId: RESOLVE_ACTION_ID, messageTs: incident.slackTs!, channelId: CHANNEL })
    expect(res.status).toBe(200)
    // Bolt answers the click before its handler opens the form (processBeforeResponse: false).
    await eventually(async () => env.fakeSlack.openedViews.length === 1, { what: 'the Resolve form' })
    await env.idle()
    expect(env.fakeSlack.openedViews).toHaveLength(1)
    const view = openedView()
    expect(view.title).toMatchObject({ text: `Resolve INC-${incident.number}` })
    expect(String(element(view, 'resolution').initial_value)).toMatch(/Playbook/)
    expect(String(element(view, 'root_cause').initial_value ?? '')).not.toBe('')
    expect(element(view, 'same_incident').initial_option).toMatchObject({ value: pastId })
    expect(element(view, 'outcome').initial_option).toBeUndefined()
  })

  it('answers bad input with inline errors under each field and stores nothing', async () => {
    const res = await env.sender.viewSubmission({
      view: openedView(),
      values: state({
        resolution: text('   '),
        outcome: choice(null),
        root_cause: text(null),
        diagnosis: choice('maybe'),
        same_incident: choice('none', 'static_select'),
      }),
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ response_action: 'errors', errors: { resolution: 'Say what fixed it.', outcome: 'Pick whether it worked.' } })
    expect(Object.keys((res.body as { errors: object }).errors)).toContain('diagnosis')
    await env.idle()
    expect(await getIncident(env.runtime.database.db, incident.id)).toMatchObject({ status: 'open', resolution: null, diagnosisLabel: null })
    expect(await resolutionAudits()).toEqual([])
  })

  it('stores good input, audits it, resolves the incident and says so in the thread', async () => {
    const res = await env.sender.viewSubmission({
      view: openedView(),
      userId: DEMO_USERS.approver.id,
      values: state({
        resolution: text('restarted pgbouncer <!channel>'),
        outcome: choice('worked'),
        root_cause: text('connection leak'),
        contributing_factors: text('no alert on pool saturation'),
        diagnosis: choice('right'),
        same_incident: choice(pastId, 'static_select'),
      }),
    })
    expect(res.status).toBe(200)
    expect(res.body ?? '').not.toMatchObject({ response_action: 'errors' })
    await env.idle()
    const stored = await getIncident(env.runtime.database.db, incident.id)
    expect(stored).toMatchObject({
      status: 'resolved',
      resolution: 'restarted pgbouncer <!channel>',
      resolutionOutcome: 'worked',
      rootCause: 'connection leak',
      contributingFactors: 'no alert on pool saturation',
      diagnosisLabel: 'right',
      sameIncidentId: pastId,
      resolutionRecordedBy: DEMO_USERS.approver.id,
    })
    expect(stored?.resolvedAt).toBeInstanceOf(Date)
    expect(await resolutionAudits()).toHaveLength(1)
    const note = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => /recorded how INC-/.test(m.text ?? ''))
    expect(note?.text).toContain('restarted pgbouncer &lt;!channel&gt; (worked)')
    expect(note?.text).toContain('Diagnosis: diagnosis right')
    expect(note?.text).toContain('Contributing factors: no alert on pool saturation')
    const thread = env.fakeSlack.thread(CHANNEL, incident.slackTs!)
    expect(thread.some((m) => (m.text ?? '').includes(`resolved by <@${DEMO_USERS.approver.id}>`))).toBe(true)
    expect(JSON.stringify(env.fakeSlack.message(CHANNEL, incident.slackTs!)?.blocks)).toContain('Record what fixed it')
  })

  it('`/sre resolve INC-n` opens the recorded answers again, and saving edits them', async () => {
    const res = await env.sender.slashCommand({ text: `resolve INC-${incident.number}`, channel_id: CHANNEL })
    expect(res.status).toBe(200)
    await eventually(async () => env.fakeSlack.openedViews.length === 2, { what: 'the Resolve form again' })
    await env.idle()
    expect(env.fakeSlack.openedViews).toHaveLength(2)
    const view = openedView()
    expect(element(view, 'resolution').initial_value).toBe('restarted pgbouncer <!channel>')
    expect(element(view, 'diagnosis').initial_option).toMatchObject({ value: 'right' })
    await env.sender.viewSubmission({
      view,
      values: state({
        resolution: text('rolled back the driver'),
        outcome: choice('partly'),
        root_cause: text(''),
        diagnosis: choice('wrong'),
        same_incident: choice('none', 'static_select'),
      }),
    })
    await env.idle()
    expect(await getIncident(env.runtime.database.db, incident.id)).toMatchObject({
      resolution: 'rolled back the driver',
      resolutionOutcome: 'partly',
      rootCause: null,
      diagnosisLabel: 'wrong',
      sameIncidentId: null,
      resolutionRecordedBy: FAKE_WORKSPACE.userId,
    })
    expect(await resolutionAudits()).toHaveLength(2)
    expect(env.fakeSlack.thread(CHANNEL, incident.slackTs!).some((m) => /updated how INC-/.test(m.text ?? ''))).toBe(true)
  })

  it('tells whoever saved when storing fails after the form closed (a past incident that does not exist)', async () => {
    const before = await resolutionAudits()
    const res = await env.sender.viewSubmission({
      view: openedView(),
      userId: DEMO_USERS.other.id,
      values: state({
        resolution: text('x'),
        outcome: choice('worked'),
        root_cause: text(''),
        diagnosis: choice('right'),
        same_incident: choice('00000000-0000-4000-8000-000000000000', 'static_select'),
      }),
    })
    expect(res.status).toBe(200)
    await env.idle()
    const told = env.fakeSlack.ephemerals.find((e) => e.user === DEMO_USERS.other.id && /could not record the resolution/.test(e.text ?? ''))
    expect(told?.channel).toBe(CHANNEL)
    expect(await resolutionAudits()).toHaveLength(before.length)
  })

  it('`/sre resolve` without INC-n in a channel with no incident says how to name one', async () => {
    const res = await env.sender.slashCommand({ text: 'resolve', channel_id: 'C0EMPTY' })
    expect((res.body as { text: string }).text).toContain('/sre resolve INC-n')
  })
})
