import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, findBlockKitViolations } from '../../src/embedded/slack-simulator'
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { countStaleHomeViewers } from '../../src/storage/repositories/home-viewers'
import { recordDigestCharts, recordPostedDigest } from '../../src/storage/repositories/digest-history'
import { computeDigest } from '../../src/core/digest/compute-digest'
import { getIncident, listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { postGenericAlert, startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const ALICE = DEMO_USERS.approver.id
const BOB = DEMO_USERS.other.id
const WINDOW_SECONDS = 3
/** Publishes are claimed at least the window apart; Slack sees them a dashboard read later, which a loaded machine can stretch. */
const MIN_GAP_MS = WINDOW_SECONDS * 1000 - 1000

describe('the App Home dashboard, through the Bolt app, BullMQ on Redis and the Slack simulator', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  const db = () => env.runtime.database.db

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: ordersDbExhaustion(new Date(Date.now() - 15 * 60_000)),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks', HOME_REFRESH_MIN_SECONDS: String(WINDOW_SECONDS) },
    })
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  const openIncident = async (fingerprint: string, title: string): Promise<Incident> => {
    expect((await postGenericAlert(env, { title, service: 'orders-db', severity: 'high', fingerprint })).status).toBe(202)
    return eventually(async () => (await listOpenIncidents(db(), 50)).find((i) => i.fingerprint.includes(fingerprint) && i.slackTs), {
      what: `the thread of ${title}`,
    })
  }
  const viewsOf = (user: string) => env.fakeSlack.views.filter((v) => v.userId === user)
  const openHome = async (user: string) => {
    const before = viewsOf(user).length
    await env.sender.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1700000000.000001' })
    return eventually(async () => viewsOf(user)[before], { what: `the Home view of ${user}` })
  }
  const addFollowup = async (incident: Incident, owner: string, text: string) => {
    const res = await env.sender.slashCommand({ text: `action INC-${incident.number} <@${owner}> ${text}`, channel_id: CHANNEL, user_id: BOB })
    expect(JSON.stringify(res.body)).toContain(`Added to INC-${incident.number}`)
  }
  const asView = (published: { viewId: string; view: Record<string, unknown> }) => ({ ...published.view, id: published.viewId })

  let first: Incident

  it("app_home_opened publishes that person's dashboard: open incidents with their buttons, the approvals waiting for them, their follow-ups", async () => {
    first = await openIncident('home-first', 'orders-db pool exhausted <!channel>')
    await addFollowup(first, ALICE, 'add a pool-size alert')
    // Its analysis runs the db-connection playbook up to its approval step; the approvers are the on-call group, Alice in it.
    await env.fakeSlack.waitForMessage(CHANNEL, (m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID), { timeoutMs: 15_000 })
    await env.idle()
    const approval = env.fakeSlack.messagesIn(CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID))!

    // The latest posted digest, its charts uploaded: its figures and charts show under "This week".
    const period = { since: new Date(Date.now() - 7 * 86_400_000), until: new Date(), timeZone: 'UTC' }
    const { digest } = computeDigest({ incidents: [], playbookRuns: [], approvals: [], followups: [], errorSightings: [] }, period)
    await recordPostedDigest(db(), { key: 'digest:home-test', ...period, channel: CHANNEL, ts: '1700000500.000100', figures: digest }, new Date())
    await recordDigestCharts(db(), 'digest:home-test', ['F0CHART1', 'F0CHART2'], new Date())

    const alice = await openHome(ALICE)
    expect(findBlockKitViolations(alice.view.blocks, 'home')).toEqual([])
    const text = JSON.stringify(alice.view)
    expect(text).toContain(`*INC-${first.number}* orders-db pool exhausted &lt;!channel&gt;`)
    expect(text).toContain(`"action_id":"incident_acknowledge:${first.number}"`)
    expect(text).toContain(`https://${FAKE_WORKSPACE.teamDomain}.slack.com/archives/${first.slackChannel}/p${first.slackTs!.replace('.', '')}`)
    expect(text).toContain('Waiting for your approval (1)')
    expect(text).toContain('*Restart pgbouncer for orders-db* on INC-')
    expect(text).toContain(`p${approval.ts.replace('.', '')}?thread_ts=${first.slackTs}`)
    expect(text).toContain('Your follow-up actions (1)')
    expect(text).toContain('add a pool-size alert')
    expect(text).toContain(`This week · ${digest.period.label}`)
    expect(text).toContain('"type":"image","slack_file":{"id":"F0CHART1"}')

    // Slack sends a click on a link button too: it is acked, and nothing else happens.
    expect((await env.sender.viewBlockAction({ view: asView(alice), actionId: `home_link:incident:${first.number}`, userId: ALICE })).status).toBe(200)

    const bob = JSON.stringify((await openHome(BOB)).view)
    expect(bob).toContain(`*INC-${first.number}*`)
    expect(bob).toContain('Waiting for your approval (0)')
    expect(bob).toContain('Your follow-up actions (0)')
  })

  it('Acknowledge on the Home tab acknowledges; a burst of changes refreshes each viewer at most once per window', async () => {
    const aliceBefore = viewsOf(ALICE).length
    const bobBefore = viewsOf(BOB).length
    const aliceView = asView(viewsOf(ALICE).at(-1)!)
    const bobView = asView(viewsOf(BOB).at(-1)!)

    // The burst: an acknowledgement from Home, three follow-ups, a new incident, and a second click on Acknowledge.
    expect((await env.sender.viewBlockAction({ view: aliceView, actionId: `incident_acknowledge:${first.number}`, userId: ALICE })).status).toBe(200)
    for (const n of [1, 2, 3]) await addFollowup(first, ALICE, `burst follow-up ${n}`)
    const second = await openIncident('home-second', 'checkout latency')
    expect((await env.sender.viewBlockAction({ view: bobView, actionId: `incident_acknowledge:${first.number}`, userId: BOB })).status).toBe(200)

    expect(await eventually(async () => (await getIncident(db(), first.id))?.acknowledgedBy)).toBe(ALICE)
    expect(env.fakeSlack.thread(first.slackChannel!, first.slackTs!).some((m) => /acknowledged/i.test(m.text ?? '') && m.text!.includes(ALICE))).toBe(true)
    // Bob clicked on Home, where there is no channel: he is told in the app's messages, not silently ignored.
    expect(env.fakeSlack.messagesIn(`D${ALICE.slice(1)}`)).toEqual([])
    const told = await eventually(async () => env.fakeSlack.messagesIn(`D${BOB.slice(1)}`).find((m) => /already acknowledged/.test(m.text ?? '')))
    expect(told.text).toContain(`INC-${first.number}`)

    // Both dashboards end up showing everything the burst changed.
    const shows = (user: string, ...parts: string[]) =>
      eventually(
        async () => {
          const latest = viewsOf(user).at(-1)
          return latest && parts.every((p) => JSON.stringify(latest.view).includes(p)) ? latest : undefined
        },
        { what: `${user}'s refreshed dashboard`, timeoutMs: 20_000 },
      )
    await shows(ALICE, `*INC-${second.number}*`, `acknowledged by <@${ALICE}>`, 'burst follow-up 1', 'burst follow-up 2', 'burst follow-up 3')
    await shows(BOB, `*INC-${second.number}*`, `acknowledged by <@${ALICE}>`)
    await env.idle()
    // Nothing is left stale, so no refresh comes after (one more window to be sure).
    await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 500))

    for (const [user, before] of [
      [ALICE, aliceBefore],
      [BOB, bobBefore],
    ] as const) {
      const publishes = viewsOf(user)
      const refreshes = publishes.slice(before)
      // Six changes, far fewer publishes; and never two to one person within the window.
      expect(refreshes.length).toBeGreaterThanOrEqual(1)
      expect(refreshes.length).toBeLessThan(6)
      for (let i = before; i < publishes.length; i++) {
        expect(publishes[i]!.at.getTime() - publishes[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(MIN_GAP_MS)
      }
    }
  })

  it('a refresh Slack rate-limits is published in a later window', async () => {
    await env.idle()
    await eventually(async () => (await countStaleHomeViewers(db(), new Date(0))) === 0 || undefined, { what: 'no dashboard left stale' })
    const before = viewsOf(ALICE).length
    const carriesIt = (args: Record<string, unknown>) => args.user_id === ALICE && JSON.stringify(args.view).includes('after the rate limit')
    env.fakeSlack.failNext('views.publish', 'ratelimited', { status: 429, retryAfter: 1, matching: carriesIt })
    await addFollowup(first, ALICE, 'after the rate limit')
    const shown = await eventually(
      async () =>
        viewsOf(ALICE)
          .slice(before)
          .find((v) => JSON.stringify(v.view).includes('after the rate limit')),
      { what: "Alice's dashboard after the 429", timeoutMs: 20_000 },
    )
    const publishes = env.fakeSlack.callsTo('views.publish').filter((c) => c.args.user_id === ALICE)
    const limited = publishes.findIndex((c) => c.status === 429 && carriesIt(c.args))
    expect(limited).toBeGreaterThanOrEqual(0)
    // The refused publish is sent again (not dropped) once the window has passed.
    expect(publishes[limited + 1]!.at.getTime() - publishes[limited]!.at.getTime()).toBeGreaterThanOrEqual(MIN_GAP_MS)
    expect(JSON.stringify(shown.view)).toContain('after the rate limit')
  })
})
