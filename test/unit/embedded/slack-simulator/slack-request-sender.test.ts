import type { AddressInfo } from 'node:net'
import { App, HTTPReceiver, LogLevel, verifySlackRequest, type BlockAction, type ButtonAction, type SlashCommand } from '@slack/bolt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  buildAppMentionEvent,
  buildBlockActionsPayload,
  buildSlashCommand,
  FAKE_WORKSPACE,
  FakeSlackApi,
  signSlackRequest,
  SlackRequestSender,
} from '../../../../src/embedded/slack-simulator'

const SIGNING_SECRET = 'simulated-signing-secret'
const CHANNEL = FAKE_WORKSPACE.channelId

describe('SlackRequestSender against a real Bolt app', () => {
  const fake = new FakeSlackApi()
  const commands: SlashCommand[] = []
  const clicks: BlockAction<ButtonAction>[] = []
  let app: App
  let sender: SlackRequestSender

  beforeAll(async () => {
    const { apiUrl } = await fake.start()
    const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR })
    app = new App({
      token: FAKE_WORKSPACE.botToken,
      receiver,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 0 } },
    })
    app.command('/sre', async ({ command, ack, respond }) => {
      await ack()
      commands.push(command)
      await respond({ response_type: 'in_channel', text: `Analyzing *${command.text}*` })
    })
    app.action<BlockAction<ButtonAction>>('approve', async ({ ack, body, respond }) => {
      await ack()
      clicks.push(body)
      await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` })
    })
    app.event('app_mention', async ({ event, say }) => {
      await say({ text: 'On it.', thread_ts: event.ts })
    })
    const server = await app.start({ port: 0, host: '127.0.0.1' })
    const { port } = server.address() as AddressInfo
    sender = new SlackRequestSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, fakeSlack: fake })
  })
  afterEach(() => {
    fake.reset()
    commands.length = 0
    clicks.length = 0
  })
  afterAll(async () => {
    await app.stop()
    await fake.stop()
  })

  describe('slash commands', () => {
    it('reaches the /sre listener, is acked 200, and its response_url answer lands in the fake', async () => {
      const sent = await sender.slashCommand({ text: 'analyze payment-api' })

      expect(sent.status).toBe(200)
      expect(commands).toEqual([expect.objectContaining({ command: '/sre', text: 'analyze payment-api', channel_id: CHANNEL })])
      const answer = await fake.waitForMessage(CHANNEL, (message) => message.postedVia === 'response_url')
      expect(answer.text).toBe('Analyzing *analyze payment-api*')
    })

    it('answers 401 when signed with the wrong secret', async () => {
      const sent = await sender.slashCommand({ text: 'analyze payment-api' }, { signingSecret: 'not-the-secret' })

      expect(sent.status).toBe(401)
      expect(commands).toEqual([])
    })

    it('answers 401 when the timestamp is stale', async () => {
      const sent = await sender.slashCommand({ text: 'analyze payment-api' }, { stale: true })

      expect(sent.status).toBe(401)
      expect(commands).toEqual([])
    })
  })

  describe('block actions', () => {
    it('reaches the app.action listener with the clicked message, and replace_original updates it', async () => {
      const posted = await app.client.chat.postMessage({
        channel: CHANNEL,
        text: 'Restart payment-api?',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Restart *payment-api*?' } },
          {
            type: 'actions',
            block_id: 'approval',
            elements: [{ type: 'button', action_id: 'approve', style: 'primary', value: 'run-42', text: { type: 'plain_text', text: 'Approve' } }],
          },
        ],
      })

      const sent = await sender.blockAction({ actionId: 'approve', userId: 'U0ALICE' })

      expect(sent.status).toBe(200)
      expect(clicks).toHaveLength(1)
      expect(clicks[0]).toMatchObject({
        user: { id: 'U0ALICE' },
        container: { type: 'message', message_ts: posted.ts, channel_id: CHANNEL },
        message: { ts: posted.ts },
        actions: [{ action_id: 'approve', block_id: 'approval', value: 'run-42' }],
      })
      const replaced = await fake.waitFor(() => fake.responses.find((response) => response.effect === 'replaced'))
      expect(replaced.ts).toBe(posted.ts)
      expect(fake.message(CHANNEL, posted.ts as string)).toMatchObject({ text: 'Approved by <@U0ALICE>', blocks: [] })
    })
  })

  describe('events', () => {
    it('delivers an event_callback envelope to the event listener', async () => {
      const mention = buildAppMentionEvent({ text: `<@${FAKE_WORKSPACE.botUserId}> what broke?` })

      const sent = await sender.event(mention)

      expect(sent.status).toBe(200)
      const reply = await fake.waitForMessage(CHANNEL, (message) => message.threadTs === mention.ts)
      expect(reply.text).toBe('On it.')
    })
  })
})

describe('signSlackRequest', () => {
  it('produces signatures that bolt verifySlackRequest accepts', () => {
    const body = new URLSearchParams(Object.entries(buildSlashCommand({ text: 'status' }))).toString()
    const timestampSec = Math.floor(Date.now() / 1000)

    const verify = () =>
      verifySlackRequest({
        signingSecret: SIGNING_SECRET,
        body,
        headers: { 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestampSec, body), 'x-slack-request-timestamp': timestampSec },
      })

    expect(verify).not.toThrow()
  })
})

describe('payload builders', () => {
  it('fill every slash command field Slack sends', () => {
    const command = buildSlashCommand({ text: 'analyze payment-api' })

    expect(Object.keys(command).sort()).toEqual(
      [
        'api_app_id',
        'channel_id',
        'channel_name',
        'command',
        'is_enterprise_install',
        'response_url',
        'team_domain',
        'team_id',
        'text',
        'token',
        'trigger_id',
        'user_id',
        'user_name',
      ].sort(),
    )
    expect(command).toMatchObject({ command: '/sre', text: 'analyze payment-api', team_id: FAKE_WORKSPACE.teamId })
  })

  it('build a block_actions payload from camelCase options', () => {
    const payload = buildBlockActionsPayload({
      actionId: 'reject',
      value: 'run-7',
      userId: 'U0BOB',
      channelId: 'C0OTHER',
      messageTs: '1700000000.000500',
      threadTs: '1700000000.000100',
      blockId: 'approval',
    })

    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB' },
      channel: { id: 'C0OTHER' },
      message: { ts: '1700000000.000500', thread_ts: '1700000000.000100' },
      container: { type: 'message', message_ts: '1700000000.000500', channel_id: 'C0OTHER', is_ephemeral: false },
      actions: [{ type: 'button', action_id: 'reject', block_id: 'approval', value: 'run-7' }],
      api_app_id: FAKE_WORKSPACE.appId,
    })
  })
})
