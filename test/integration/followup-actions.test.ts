import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, viewInput, viewState } from '../../src/embedded/slack-simulator'
import { FOLLOWUP_ADD_ACTION_ID, FOLLOWUP_DONE_ACTION_ID } from '../../src/slack/blocks/followup-blocks'
import { getFollowupAction, listFollowupActionsOfIncident } from '../../src/storage/repositories/followup-actions'
import { listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const OWNER = 'U0ALICE'

const state = viewState

describe('follow-up actions, through the Bolt app and the Slack simulator on Postgres and Redis', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let incident: Incident
  let tracker: Server
  const calls: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }> = []
  const since = new Date(Date.now() - 15 * 60_000)
  const today = new Date().toISOString().slice(0, 10)

  beforeAll(async () => {
    // The tracker the webhook files actions in: answers each with the link.
    tracker = createServer((req, res) => {
      let raw = ''
      req.on('data', (c) => {
        raw += c
      })
      req.on('end', () => {
        calls.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> })
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ url: `https://tracker.example/issues/${calls.length}` }))
      })
    })
    await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve))
    const { port } = tracker.address() as AddressInfo
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: ordersDbExhaustion(since),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks', FOLLOWUP_WEBHOOK_URL: `http://127.0.0.1:${port}/issues` },
    })
    await env.sender.slashCommand({ text: 'analyze orders-db connection timeouts', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
    await env.idle()
    const [open] = await listOpenIncidents(env.runtime.database.db)
    incident = open!
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
    await new Promise((resolve) => tracker?.close(resolve))
  })

  const threadTexts = () => env.fakeSlack.thread(CHANNEL, incident.slackTs!).map((m) => m.text ?? '')
  const actions = () => listFollowupActionsOfIncident(env.runtime.database.db, incident.id)

  describe('/sre action INC-n @owner [due YYYY-MM-DD] text', () => {
    it('adds the action, says so in the thread and files it with the webhook once, keeping its link', async () => {
      const res = await env.sender.slashCommand({
        text: `action INC-${incident.number} <@${OWNER}|alice> due 2026-01-02 add a pool-size alert <!channel>`,
        channel_id: CHANNEL,
        user_id: DEMO_USERS.approver.id,
      })
      expect(JSON.stringify(res.body)).toContain(`Added to INC-${incident.number}`)
      await env.idle()
      const [action] = await actions()
      expect(action).toMatchObject({ owner: OWNER, text: 'add a pool-size alert <!channel>', dueOn: '2026-01-02', status: 'open' })
      expect(action!.createdBy).toBe(DEMO_USERS.approver.id)
      expect(calls).toHaveLength(1)
      expect(calls[0]!.headers['idempotency-key']).toBe(`followup-${action!.id}`)
      expect(calls[0]!.body).toMatchObject({ owner: OWNER, due: '2026-01-02', incident: { number: incident.number, slack: { channel: CHANNEL } } })
      expect(action!.externalUrl).toBe('https://tracker.example/issues/1')
      const notes = threadTexts().filter((t) => t.includes('added a follow-up action'))
      expect(notes).toHaveLength(1)
      expect(notes[0]).toContain('add a pool-size alert &lt;!channel&gt;')
      expect(notes[0]).toContain('<https://tracker.example/issues/1|issue>')
      // A retried job neither files it again nor repeats the note.
      await env.runtime.handlers['followup.announce']({ actionId: action!.id }, { jobId: 'retry', attempt: 2 })
      expect(calls).toHaveLength(1)
      expect(threadTexts().filter((t) => t.includes('added a follow-up action'))).toHaveLength(1)
    })

    it('explains what is wrong and adds nothing', async () => {
      const noOwner = await env.sender.slashCommand({ text: `action INC-${incident.number} alice add a runbook`, channel_id: CHANNEL })
      expect(JSON.stringify(noOwner.body)).toContain('Mention the owner')
      const badDay = await env.sender.slashCommand({ text: `action INC-${incident.number} <@${OWNER}> due 2026-02-30 add a runbook`, channel_id: CHANNEL })
      expect(JSON.stringify(badDay.body)).toContain('That day does not exist.')
      const noText = await env.sender.slashCommand({ text: `action INC-${incident.number} <@${OWNER}>`, channel_id: CHANNEL })
      expect(JSON.stringify(noText.body)).toContain('Say what should be done.')
      await env.idle()
      expect(await actions()).toHaveLength(1)
    })
  })

  describe('the review message button and its form', () => {
    it('answers bad input with inline errors and stores nothing', async () => {
      await env.sender.slashCommand({ text: `review INC-${incident.number}`, channel_id: CHANNEL })
      await env.idle()
      const review = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => (m.text ?? '').startsWith('Post-incident review draft'))!
      expect(JSON.stringify(review.blocks)).toContain('add a pool-size alert &lt;!channel&gt;')
      await env.sender.blockAction({ actionId: FOLLOWUP_ADD_ACTION_ID, messageTs: review.ts, channelId: CHANNEL })
      await eventually(async () => env.fakeSlack.openedViews.length === 1, { what: 'the follow-up form' })
      const opened = env.fakeSlack.openedViews.at(-1)!
      const view = { ...opened.view, id: opened.viewId }
      const bad = await env.sender.viewSubmission({
        view,
        values: state({
          owner: viewInput.user(null),
          text: viewInput.text('  '),
          due: viewInput.date(null),
        }),
      })
      expect(bad.body).toMatchObject({ response_action: 'errors', errors: { owner: 'Pick the owner.', text: 'Say what should be done.' } })
      const past = await env.sender.viewSubmission({
        view,
        values: state({
          owner: viewInput.user(OWNER),
          text: viewInput.text('write the runbook'),
          due: viewInput.date('2020-01-01'),
        }),
      })
      expect(past.body).toMatchObject({ response_action: 'errors', errors: { due: 'Pick today or a later day.' } })
      await env.idle()
      expect(await actions()).toHaveLength(1)
      const good = await env.sender.viewSubmission({
        view,
        userId: DEMO_USERS.approver.id,
        values: state({
          owner: viewInput.user('U0BOB'),
          text: viewInput.text('write the runbook'),
          due: viewInput.date(null),
        }),
      })
      expect(good.body ?? '').not.toMatchObject({ response_action: 'errors' })
      await env.idle()
      expect((await actions()).map((a) => [a.owner, a.text, a.dueOn])).toEqual([
        [OWNER, 'add a pool-size alert <!channel>', '2026-01-02'],
        ['U0BOB', 'write the runbook', null],
      ])
      expect(calls).toHaveLength(2)
    })
  })

  describe('/sre actions and Done', () => {
    it('lists open actions with a Done button; Done closes one once', async () => {
      const all = await env.sender.slashCommand({ text: 'actions', channel_id: CHANNEL })
      const listed = JSON.stringify(all.body)
      expect(listed).toContain('add a pool-size alert &lt;!channel&gt;')
      expect(listed).toContain('write the runbook')
      expect(listed).toContain(FOLLOWUP_DONE_ACTION_ID)
      const mine = await env.sender.slashCommand({ text: 'actions mine', channel_id: CHANNEL, user_id: 'U0BOB' })
      expect(JSON.stringify(mine.body)).toContain('write the runbook')
      expect(JSON.stringify(mine.body)).not.toContain('pool-size')
      const runbook = (await actions()).find((a) => a.owner === 'U0BOB')!
      await env.sender.blockAction({ actionId: `${FOLLOWUP_DONE_ACTION_ID}:${runbook.id}`, value: runbook.id, channelId: CHANNEL, userId: 'U0BOB' })
      await env.idle()
      await eventually(async () => (await getFollowupAction(env.runtime.database.db, runbook.id))?.status === 'done', { what: 'the action closed' })
      expect(await getFollowupAction(env.runtime.database.db, runbook.id)).toMatchObject({ status: 'done', closedBy: 'U0BOB' })
      await env.sender.blockAction({ actionId: `${FOLLOWUP_DONE_ACTION_ID}:${runbook.id}`, value: runbook.id, channelId: CHANNEL, userId: 'U0BOB' })
      await env.idle()
      await eventually(async () => env.fakeSlack.callsTo('chat.postEphemeral').some((c) => JSON.stringify(c.args).includes('already done')))
      const after = await env.sender.slashCommand({ text: 'actions mine', channel_id: CHANNEL, user_id: 'U0BOB' })
      expect(JSON.stringify(after.body)).toContain('No open follow-up actions.')
      const ofIncident = await env.sender.slashCommand({ text: `actions INC-${incident.number}`, channel_id: CHANNEL })
      expect(JSON.stringify(ofIncident.body)).toContain('~write the runbook~')
    })
  })

  describe('the overdue reminder', () => {
    it('reminds the owner of an overdue action in the thread once a day', async () => {
      expect(today > '2026-01-02').toBe(true)
      await env.runtime.handlers['followup.remind-overdue']({}, { jobId: 'remind-1', attempt: 1 })
      await env.runtime.handlers['followup.remind-overdue']({}, { jobId: 'remind-2', attempt: 1 })
      const reminders = threadTexts().filter((t) => t.includes('Overdue follow-up action'))
      expect(reminders).toHaveLength(1)
      expect(reminders[0]).toContain(`<@${OWNER}>`)
      expect(reminders[0]).toContain('pool-size alert')
      const [overdue] = await actions()
      expect(overdue!.remindedAt).toBeInstanceOf(Date)
    })
  })
})
