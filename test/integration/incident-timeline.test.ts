import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CHECKOUT_CHANNEL, DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, type RecordedMessage } from '../../src/embedded/slack-simulator'
import { SyntheticTelemetry } from '../../src/integrations/telemetry/synthetic'
import { TIMELINE_ACTION_ID } from '../../src/slack/blocks/incident-action-ids'
import { eq } from 'drizzle-orm'
import { listIncidentEvents } from '../../src/storage/repositories/incident-events'
import { incidents } from '../../src/storage/schema'
import { getIncident, listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

describe('the incident timeline, through the Bolt app and the Slack simulator', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let incident: Incident
  const deployedAt = new Date(Date.now() - 20 * 60_000)

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: new SyntheticTelemetry({ injections: [{ kind: 'bad-deploy', service: 'checkout-api', start: deployedAt }] }),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks' },
    })
    await env.sender.slashCommand({ text: 'analyze checkout-api 500 errors', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
    await env.idle()
    const [open] = await listOpenIncidents(env.runtime.database.db)
    incident = open!
  }, 60_000)

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  const timelineMessages = (): RecordedMessage[] =>
    env.fakeSlack.thread(incident.slackChannel!, incident.slackTs!).filter((m) => (m.text ?? '').startsWith(`Timeline of INC-${incident.number}`))
  const blocksText = (m: RecordedMessage) => JSON.stringify(m.blocks)

  it('`/sre timeline` in the channel posts the timeline in the thread, with the deploy before the incident, and stores its detection time', async () => {
    expect(incident).toMatchObject({ service: 'checkout-api' })
    const res = await env.sender.slashCommand({ text: 'timeline', channel_id: CHANNEL, user_id: DEMO_USERS.other.id })
    expect(res.status).toBe(200)
    const posted = await env.fakeSlack.waitForMessage(incident.slackChannel!, (m) => (m.text ?? '').startsWith('Timeline of INC-'), { timeoutMs: 20_000 })
    expect(posted.threadTs).toBe(incident.slackTs)
    const text = blocksText(posted)
    expect(text).toContain(`<!date^${Math.floor(deployedAt.getTime() / 1000)}^{time}|`)
    expect(text).toMatch(/:rocket: \*Deploy\* Deployed revision checkout-api-\d{5}-\w+ of checkout-api/)
    expect(text).toContain(':rotating_light: *Opened*')
    expect(text).toContain(':mag: *Analysis*')
    // The deploy precedes the opening in the posted order.
    expect(text.indexOf('*Deploy*')).toBeLessThan(text.indexOf('*Opened*'))
    const deploys = (await listIncidentEvents(env.runtime.database.db, incident.id)).filter((e) => e.kind === 'deploy')
    expect(deploys).toHaveLength(1)
    expect(deploys[0]!.occurredAt).toEqual(deployedAt)
    const stored = await getIncident(env.runtime.database.db, incident.id)
    // The error rate rose with the new revision, well before the incident was opened: that is when it was detectable.
    expect(text).toMatch(/:chart_with_upwards_trend: \*Anomaly\* checkout-api error_rate anomalous/)
    expect(stored!.detectedAt).toBeInstanceOf(Date)
    expect(stored!.detectedAt!.getTime()).toBeGreaterThanOrEqual(deployedAt.getTime() - 60_000)
    expect(stored!.detectedAt!.getTime()).toBeLessThan(stored!.startedAt.getTime())
    expect(text).toContain(`Detected <!date^${Math.floor(stored!.detectedAt!.getTime() / 1000)}^`)
    await expect.poll(() => env.fakeSlack.ephemerals.some((e) => (e.text ?? '').includes(`The timeline of INC-${incident.number} is in its thread`))).toBe(true)
  }, 30_000)

  it('`/sre timeline INC-n` names the incident anywhere, and an unknown one is answered plainly', async () => {
    const before = timelineMessages().length
    await env.sender.slashCommand({ text: `timeline INC-${incident.number}`, channel_id: 'C0ELSEWHERE' })
    await expect.poll(() => timelineMessages().length).toBe(before + 1)
    // Built again: the deploy is read again but stored once.
    expect((await listIncidentEvents(env.runtime.database.db, incident.id)).filter((e) => e.kind === 'deploy')).toHaveLength(1)
    const res = await env.sender.slashCommand({ text: 'timeline INC-99999' })
    expect(res.body).toMatchObject({ text: 'There is no INC-99999.' })
    const bad = await env.sender.slashCommand({ text: 'timeline yesterday' })
    expect(JSON.stringify(res.body) + JSON.stringify(bad.body)).toContain('Usage: `/sre timeline [INC-n]`.')
  })

  it('the Timeline button (value: the incident number) posts it in the thread too', async () => {
    const before = timelineMessages().length
    const res = await env.sender.blockAction({
      actionId: TIMELINE_ACTION_ID,
      value: String(incident.number),
      messageTs: incident.slackTs!,
      channelId: incident.slackChannel!,
      userId: DEMO_USERS.approver.id,
    })
    expect(res.status).toBe(200)
    await expect.poll(() => timelineMessages().length).toBe(before + 1)
  })

  it('a :pushpin: on a thread message adds it once, with its permalink; other reactions and other messages add nothing', async () => {
    const note = env.fakeSlack.postAsUser({
      channel: incident.slackChannel!,
      user: DEMO_USERS.other.id,
      text: 'rolled back <!channel> checkout-api,\nerrors dropping',
      threadTs: incident.slackTs!,
    })
    const elsewhere = env.fakeSlack.postAsUser({ channel: incident.slackChannel!, user: DEMO_USERS.other.id, text: 'lunch?' })
    const otherChannel = env.fakeSlack.postAsUser({ channel: 'C0RANDOM', user: DEMO_USERS.other.id, text: 'nothing to do with it' })
    await env.sender.reactionAdded({ channel: otherChannel.channel, ts: otherChannel.ts })
    await env.sender.reactionAdded({ channel: note.channel, ts: note.ts, reaction: 'eyes' })
    await env.sender.reactionAdded({ channel: elsewhere.channel, ts: elsewhere.ts })
    const res = await env.sender.reactionAdded({ channel: note.channel, ts: note.ts, user: DEMO_USERS.approver.id })
    expect(res.status).toBe(200)
    await expect.poll(() => env.fakeSlack.ephemerals.some((e) => (e.text ?? '').includes(`to the timeline of INC-${incident.number}`))).toBe(true)
    await env.sender.reactionAdded({ channel: note.channel, ts: note.ts, user: DEMO_USERS.other.id, reaction: 'pushpin::skin-tone-2' })
    await expect.poll(async () => env.fakeSlack.callsTo('chat.getPermalink').filter((c) => c.args.message_ts === note.ts).length).toBeGreaterThanOrEqual(2)
    // A channel no incident lives in is not even read.
    expect(env.fakeSlack.callsTo('conversations.history').filter((c) => c.args.channel === 'C0RANDOM')).toEqual([])
    const pinned = (await listIncidentEvents(env.runtime.database.db, incident.id)).filter((e) => e.kind === 'pinned_message')
    expect(pinned).toHaveLength(1)
    expect(pinned[0]).toMatchObject({
      actor: DEMO_USERS.approver.id,
      text: 'rolled back <!channel> checkout-api, errors dropping',
      link: env.fakeSlack.permalink(note),
      dedupeKey: `${note.channel}:${note.ts}`,
    })
    expect(pinned[0]!.occurredAt).toEqual(new Date(Number(note.ts) * 1000))

    const before = timelineMessages().length
    await env.sender.slashCommand({ text: `timeline INC-${incident.number}` })
    await expect.poll(() => timelineMessages().length).toBe(before + 1)
    const text = blocksText(timelineMessages().at(-1)!)
    expect(text).toContain('*Pinned* rolled back &lt;!channel&gt; checkout-api, errors dropping — <@U0ALICE>')
    expect(text).not.toContain('lunch?')
  })

  it("in an incident's own channel, a pinned top-level message is added and `/sre timeline` there needs no INC-n", async () => {
    const own = CHECKOUT_CHANNEL
    await env.runtime.database.db.update(incidents).set({ incidentChannelId: own }).where(eq(incidents.id, incident.id))
    const message = env.fakeSlack.postAsUser({ channel: own, user: DEMO_USERS.approver.id, text: 'failing over to the fallback scorer' })
    await env.sender.reactionAdded({ channel: own, ts: message.ts, user: DEMO_USERS.other.id })
    await expect
      .poll(async () => (await listIncidentEvents(env.runtime.database.db, incident.id)).some((e) => e.dedupeKey === `${own}:${message.ts}`))
      .toBe(true)
    const before = timelineMessages().length
    await env.sender.slashCommand({ text: 'timeline', channel_id: own })
    await expect.poll(() => timelineMessages().length).toBe(before + 1)
    expect(blocksText(timelineMessages().at(-1)!)).toContain('*Pinned* failing over to the fallback scorer — <@U0BOB>')
  })

  it('`sre-agent timeline INC-n --format markdown --out file` exports it with ISO times', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'timeline-'))
    const out = join(dir, 'timeline.md')
    const run = await promisify(execFile)(process.execPath, ['bin/sre-agent.js', 'timeline', `INC-${incident.number}`, '--format', 'markdown', '--out', out], {
      env: { ...process.env, DATABASE_URL: database.url },
    })
    expect(run.stdout).toMatch(new RegExp(`^\\d+ events → ${out}\\n$`))
    const markdown = await readFile(out, 'utf8')
    expect(markdown).toContain(`# Timeline of INC-${incident.number}: `)
    expect(markdown).toContain(`| ${deployedAt.toISOString()} | Deploy | change |`)
    expect(markdown).toContain('| Pinned | slack | U0ALICE | rolled back \\<!channel\\> checkout-api, errors dropping | [link](https://')
    const stdout = await promisify(execFile)(process.execPath, ['bin/sre-agent.js', 'timeline', `INC-${incident.number}`], {
      env: { ...process.env, DATABASE_URL: database.url },
    })
    expect(stdout.stdout).toBe(markdown)
    const bad = await promisify(execFile)(process.execPath, ['bin/sre-agent.js', 'timeline', 'INC-1', '--format', 'pdf'], {
      env: { ...process.env, DATABASE_URL: database.url },
    }).catch((e: { code: number; stderr: string }) => e)
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('only markdown') })
  }, 120_000)
})
