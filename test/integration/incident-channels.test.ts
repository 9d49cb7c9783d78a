import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { CHECKOUT_CHANNEL, DEMO_USERS, ONCALL_GROUP, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, type RecordedMessage } from '../../src/embedded/slack-simulator'
import { rowsOf } from '../../src/storage/database'
import { listIncidentEvents } from '../../src/storage/repositories/incident-events'
import { getIncident, listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
/** A responder the workspace does not know: the invitation skips them and says so. */
const GHOST = 'U0GHOST'

describe('incident channels (INCIDENT_CHANNEL_MODE=channel), through the Bolt app, BullMQ workers, Postgres and the Slack simulator', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: ordersDbExhaustion(new Date(Date.now() - 15 * 60_000)),
      env: {
        PLAYBOOKS_DIR: 'test/fixtures/playbooks',
        INCIDENT_CHANNEL_MODE: 'channel',
        INCIDENT_RESPONDERS: `${ONCALL_GROUP},${DEMO_USERS.other.id},${GHOST}`,
      },
    })
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  /** Sends a generic alert; the id of the incident it opened. */
  const sendAlert = async (overrides: Record<string, unknown>): Promise<string> => {
    const res = await fetch(`${env.baseUrl}/alerts/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.alertToken}` },
      // A service of its own each: incidents of one service in a burst would join the first one's thread as a storm.
      body: JSON.stringify({
        service: `svc-${randomBytes(3).toString('hex')}`,
        severity: 'critical',
        fingerprint: `fp-${randomBytes(4).toString('hex')}`,
        ...overrides,
      }),
    })
    expect(res.status).toBe(202)
    const body = (await res.json()) as { results: Array<{ incident: { id: string } | null }> }
    return body.results[0]?.incident?.id ?? ''
  }

  /** The incident once its thread is open and every job is done. */
  const openedIncident = async (id: string): Promise<Incident> => {
    await eventually(async () => (await getIncident(env.runtime.database.db, id))?.slackTs, { what: 'the incident thread' })
    await env.idle()
    return (await getIncident(env.runtime.database.db, id))!
  }

  /** The number the next incident gets, to take its channel name before it opens. */
  const nextIncidentNumber = async (): Promise<number> => {
    const [row] = rowsOf<{ last: string | null }>(
      await env.runtime.database.db.execute(sql`select last_value::text as last from pg_sequences where sequencename = 'incidents_number_seq'`),
    )
    return Number(row?.last ?? 0) + 1
  }

  const linksTo = (channel: string, room: string): RecordedMessage[] =>
    env.fakeSlack.rootMessagesIn(channel).filter((m) => JSON.stringify(m.blocks ?? []).includes(`<#${room}>`))
  const createCalls = (prefix: string) => env.fakeSlack.callsTo('conversations.create').filter((c) => String(c.args.name).startsWith(prefix))

  describe('a critical alert', () => {
    let incident: Incident
    const alert = { title: 'Orders API: 5xx > 5% <!channel>', service: 'orders-api', fingerprint: `orders-5xx-${randomBytes(4).toString('hex')}` }

    beforeAll(async () => {
      incident = await openedIncident(await sendAlert(alert))
    })

    it('gets a channel of its own, named after its number and title, where its thread lives', () => {
      expect(incident.incidentChannelName).toBe(`inc-${incident.number}-orders-api-5xx-5-channel`)
      expect(incident.incidentChannelId).toMatch(/^C/)
      expect(env.fakeSlack.channelName(incident.incidentChannelId!)).toBe(incident.incidentChannelName)
      expect(incident.slackChannel).toBe(incident.incidentChannelId)
      const [root] = env.fakeSlack.rootMessagesIn(incident.incidentChannelId!)
      expect(root?.ts).toBe(incident.slackTs)
      expect(root?.text).toContain(`INC-${incident.number}`)
      // The analysis went on in the new channel's thread.
      expect(env.fakeSlack.thread(incident.slackChannel!, incident.slackTs!).some((m) => /^Assessment: /.test(m.text ?? ''))).toBe(true)
      expect(env.fakeSlack.rootMessagesIn(CHANNEL).some((m) => m.ts === incident.slackTs)).toBe(false)
    })

    it('invites the responders, expanding the user group, and says who could not be invited', () => {
      expect(env.fakeSlack.channelMembers(incident.incidentChannelId!).sort()).toEqual(
        [FAKE_WORKSPACE.botUserId, DEMO_USERS.approver.id, FAKE_WORKSPACE.userId, DEMO_USERS.other.id].sort(),
      )
      const said = env.fakeSlack.thread(incident.slackChannel!, incident.slackTs!).filter((m) => m.text?.startsWith(':warning: Not invited'))
      expect(said.map((m) => m.text)).toEqual([`:warning: Not invited to this channel: <@${GHOST}> (user_not_found).`])
    })

    it('pins the summary in the channel and posts one escaped link line to it in the incident channel', () => {
      expect(env.fakeSlack.pinnedIn(incident.incidentChannelId!)).toEqual([incident.slackTs])
      const links = linksTo(CHANNEL, incident.incidentChannelId!)
      expect(links).toHaveLength(1)
      expect(links[0]!.ts).toBe(incident.channelLinkTs)
      expect(links[0]!.text).toBe(`INC-${incident.number} Orders API: 5xx &gt; 5% &lt;!channel&gt; · critical · open → <#${incident.incidentChannelId}>`)
    })

    it('edits the link line when the incident resolves', async () => {
      await sendAlert({ ...alert, status: 'resolved' })
      await env.idle()
      const link = await eventually(async () => {
        const m = env.fakeSlack.message(CHANNEL, incident.channelLinkTs!)
        return m?.text?.includes('· resolved →') ? m : undefined
      })
      expect(JSON.stringify(link.blocks)).toContain(':white_check_mark:')
      expect(linksTo(CHANNEL, incident.incidentChannelId!)).toHaveLength(1)
      expect(env.fakeSlack.thread(incident.slackChannel!, incident.slackTs!).some((m) => /resolved/.test(m.text ?? '') && m.ts !== incident.slackTs)).toBe(true)
      const events = await listIncidentEvents(env.runtime.database.db, incident.id)
      expect(events.filter((e) => e.kind === 'channel_created').map((e) => e.text)).toEqual([`Incident channel #${incident.incidentChannelName} created`])
    })
  })

  it('keeps an incident below INCIDENT_CHANNEL_MIN_SEVERITY in a thread of the incident channel', async () => {
    const creates = env.fakeSlack.callsTo('conversations.create').length
    const incident = await openedIncident(await sendAlert({ title: 'orders-api latency slightly up', severity: 'warning' }))
    expect(env.fakeSlack.callsTo('conversations.create')).toHaveLength(creates)
    expect(incident).toMatchObject({ slackChannel: CHANNEL, incidentChannelId: null, channelLinkTs: null })
    expect(env.fakeSlack.rootMessagesIn(CHANNEL).some((m) => m.ts === incident.slackTs)).toBe(true)
  })

  it('invites whoever opened the incident with /sre analyze, and links the channel where it was asked', async () => {
    await env.sender.slashCommand({ text: 'analyze orders-db connection timeouts', channel_id: CHECKOUT_CHANNEL, user_id: DEMO_USERS.approver.id })
    const found = await eventually(async () => (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === 'orders-db connection timeouts'))
    const incident = await openedIncident(found.id)
    expect(incident.incidentChannelName).toBe(`inc-${incident.number}-orders-db-connection-timeouts`)
    expect(env.fakeSlack.channelMembers(incident.incidentChannelId!)).toContain(DEMO_USERS.approver.id)
    expect(linksTo(CHECKOUT_CHANNEL, incident.incidentChannelId!)).toHaveLength(1)
    expect(linksTo(CHANNEL, incident.incidentChannelId!)).toHaveLength(0)
  })

  it('takes the next name with a suffix when the channel name is taken', async () => {
    const number = await nextIncidentNumber()
    env.fakeSlack.addChannel({ id: 'C0OLDINC', name: `inc-${number}-checkout-down` })
    const incident = await openedIncident(await sendAlert({ title: 'Checkout down' }))
    expect(incident.number).toBe(number)
    expect(incident.incidentChannelName).toBe(`inc-${number}-checkout-down-2`)
    expect(createCalls(`inc-${number}-`).map((c) => [c.args.name, c.answer.error ?? 'ok'])).toEqual([
      [`inc-${number}-checkout-down`, 'name_taken'],
      [`inc-${number}-checkout-down-2`, 'ok'],
    ])
  })

  it('makes no second channel, link or pin when the job opening it is retried', async () => {
    const number = await nextIncidentNumber()
    // The link line fails once, after the channel is made, the root posted there, the responders invited and the root pinned.
    env.fakeSlack.failNext('chat.postMessage', 'internal_error', { matching: (args) => args.channel === CHANNEL && args.thread_ts === undefined })
    const incident = await openedIncident(await sendAlert({ title: 'Payments failing' }))
    expect(incident.number).toBe(number)
    expect(env.fakeSlack.callsTo('chat.postMessage').filter((c) => c.answer.error === 'internal_error')).toHaveLength(1)
    expect(createCalls(`inc-${number}-`)).toHaveLength(1)
    expect(env.fakeSlack.rootMessagesIn(incident.incidentChannelId!).map((m) => m.ts)).toEqual([incident.slackTs])
    expect(env.fakeSlack.pinnedIn(incident.incidentChannelId!)).toEqual([incident.slackTs])
    expect(linksTo(CHANNEL, incident.incidentChannelId!).map((m) => m.ts)).toEqual([incident.channelLinkTs])
    const said = env.fakeSlack.thread(incident.slackChannel!, incident.slackTs!).filter((m) => m.text?.startsWith(':warning: Not invited'))
    expect(said).toHaveLength(1)
  })

  it('says in the channel when the summary could not be pinned, and goes on', async () => {
    env.fakeSlack.revokeScopes('pins:write')
    try {
      const incident = await openedIncident(await sendAlert({ title: 'Inventory sync lagging' }))
      expect(incident.incidentChannelId).toMatch(/^C/)
      expect(env.fakeSlack.pinnedIn(incident.incidentChannelId!)).toEqual([])
      const thread = env.fakeSlack.thread(incident.slackChannel!, incident.slackTs!)
      expect(thread.filter((m) => m.text?.includes('could not be pinned')).map((m) => m.text)).toEqual([
        ':warning: The incident summary above could not be pinned (missing_scope: the app needs pins:write).',
      ])
      expect(linksTo(CHANNEL, incident.incidentChannelId!)).toHaveLength(1)
    } finally {
      env.fakeSlack.grantScopes('pins:write')
    }
  })

  it('stays in a thread of the incident channel and says why when Slack refuses the channel (missing scope)', async () => {
    env.fakeSlack.revokeScopes('channels:manage')
    try {
      const incident = await openedIncident(await sendAlert({ title: 'Search index stale' }))
      expect(incident).toMatchObject({ slackChannel: CHANNEL, incidentChannelId: null, channelLinkTs: null })
      const thread = env.fakeSlack.thread(CHANNEL, incident.slackTs!)
      expect(thread.filter((m) => m.text?.startsWith(':information_source:')).map((m) => m.text)).toEqual([
        ':information_source: This incident stays in this thread: its own channel could not be created (missing_scope: the app needs channels:manage).',
      ])
      expect(thread.some((m) => /^Assessment: /.test(m.text ?? ''))).toBe(true)
      const events = await listIncidentEvents(env.runtime.database.db, incident.id)
      expect(events.map((e) => e.kind)).toContain('channel_refused')
    } finally {
      env.fakeSlack.grantScopes('channels:manage')
    }
  })
})
