import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { WebClient } from '@slack/web-api'
import { DEMO_USERS, startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, buildBlockActionsPayload, buildEventEnvelope, buildSlashCommand } from '../../src/embedded/slack-simulator'
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { listOpenIncidents } from '../../src/storage/repositories/incidents'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'

const CHANNEL = FAKE_WORKSPACE.channelId

// Socket Mode serves custom routes on installerOptions.port and never reports the bound port, so PORT=0 cannot be used.
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe('the bot over Socket Mode against the Slack simulator', () => {
  let env: EmbeddedEnvironment
  const since = new Date(Date.now() - 15 * 60_000)

  beforeAll(async () => {
    env = await startEmbeddedEnvironment({
      telemetry: ordersDbExhaustion(since),
      env: { SLACK_APP_TOKEN: FAKE_WORKSPACE.appToken, PLAYBOOKS_DIR: 'test/fixtures/playbooks', PORT: String(await freePort()) },
    })
  })

  afterAll(async () => {
    await env?.stop()
  })

  const webClient = (token: string) => new WebClient(token, { slackApiUrl: env.fakeSlack.apiUrl, retryConfig: { retries: 0 } })

  describe('connecting', () => {
    it('opens the connection with the app-level token and holds one socket', () => {
      const [open] = env.fakeSlack.callsTo('apps.connections.open')
      expect(open?.answer).toMatchObject({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/) })
      expect(env.fakeSlack.socketConnectionCount).toBe(1)
    })

    it('refuses apps.connections.open with an unknown app token or a bot token', async () => {
      await expect(webClient('xapp-1-A0SREAGENT-not-issued').apps.connections.open()).rejects.toMatchObject({ data: { error: 'invalid_auth' } })
      await expect(webClient(FAKE_WORKSPACE.botToken).apps.connections.open()).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } })
    })

    it('refuses the app-level token on bot methods', async () => {
      await expect(webClient(FAKE_WORKSPACE.appToken).chat.postMessage({ channel: CHANNEL, text: 'hi' })).rejects.toMatchObject({
        data: { error: 'not_allowed_token_type' },
      })
    })
  })

  describe('/sre analyze', () => {
    it('acks with the ephemeral response in the ack payload, then answers in the incident thread', async () => {
      const command = buildSlashCommand(
        { text: 'analyze orders-db connection timeouts', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id },
        { fakeSlack: env.fakeSlack },
      )

      const ack = await env.fakeSlack.sendSocketEnvelope('slash_commands', command)

      const envelope = env.fakeSlack.socketEnvelopes.at(-1)
      expect(envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true })
      expect(ack.envelope_id).toBe(envelope?.envelope_id)
      expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Analyzing') })
      const thread = await eventually(
        async () => {
          const incident = (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title.includes('orders-db connection timeouts'))
          const replies = incident?.slackTs ? env.fakeSlack.thread(CHANNEL, incident.slackTs) : []
          return replies.some((m) => m.text?.startsWith('Assessment:')) && replies
        },
        { timeoutMs: 10_000, what: 'an Assessment reply in the incident thread' },
      )
      expect(thread[0]?.threadTs).toBeUndefined()
      await env.idle()
    })
  })

  describe('interactions', () => {
    it('acks a click on an approval that does not exist, then tells the clicker', async () => {
      const click = buildBlockActionsPayload({ actionId: APPROVE_ACTION_ID, value: randomUUID(), userId: DEMO_USERS.approver.id, channelId: CHANNEL })

      const ack = await env.fakeSlack.sendSocketEnvelope('interactive', click)

      expect(ack.envelope_id).toBe(env.fakeSlack.socketEnvelopes.at(-1)?.envelope_id)
      expect(env.fakeSlack.socketEnvelopes.at(-1)?.accepts_response_payload).toBe(false)
      const told = await env.fakeSlack.waitFor((api) => api.ephemerals.find((e) => e.user === DEMO_USERS.approver.id && e.text?.includes('no longer exists')))
      expect(told.channel).toBe(CHANNEL)
    })
  })

  describe('events', () => {
    it('acks app_home_opened without a payload and publishes the App Home', async () => {
      const event = buildEventEnvelope({ type: 'app_home_opened', user: DEMO_USERS.other.id, channel: 'D0HOME', tab: 'home', event_ts: '1700000000.000001' })

      const ack = await env.fakeSlack.sendSocketEnvelope('events_api', event)

      expect(ack.payload ?? {}).toEqual({})
      const published = await env.fakeSlack.waitFor((api) => api.views.find((v) => v.userId === DEMO_USERS.other.id))
      expect(published.view).toMatchObject({ type: 'home' })
    })
  })

  describe('custom routes on the Socket Mode port', () => {
    const postAlert = (token: string) =>
      fetch(`${env.baseUrl}/alerts/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          title: 'orders-api 5xx above 5%',
          service: 'orders-api',
          severity: 'critical',
          fingerprint: `socket-${randomBytes(3).toString('hex')}`,
        }),
      })

    it('accepts an alert with the webhook token (202) and refuses a wrong one (401)', async () => {
      expect((await postAlert(env.alertToken)).status).toBe(202)
      expect((await postAlert('wrong-token-wrong-token')).status).toBe(401)
      await env.idle()
    })

    it('answers /healthz', async () => {
      const res = await fetch(`${env.baseUrl}/healthz`)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('ok')
    })
  })
})
