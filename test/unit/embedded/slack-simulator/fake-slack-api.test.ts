import { ErrorCode, LogLevel, WebClient, type Logger } from '@slack/web-api'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_WORKSPACE, FakeSlackApi } from '../../../../src/embedded/slack-simulator'

const CHANNEL = 'C0INCIDENTS'

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text } }
}

function button(actionId: string, label: string, extra: Record<string, unknown> = {}) {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label }, ...extra }
}

// WebClient logs the [ERROR] lines Slack puts in response_metadata; the tests assert on them instead.
const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
}

function clientFor(apiUrl: string, token: string = FAKE_WORKSPACE.botToken, extra: { rejectRateLimitedCalls?: boolean } = {}) {
  return new WebClient(token, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, logger: silentLogger, ...extra })
}

describe('FakeSlackApi with a per-channel posting limit', () => {
  const fake = new FakeSlackApi({ channels: [CHANNEL, 'C0OTHER'], rateLimit: { methods: ['chat.postMessage'], calls: 3, windowMs: 60_000 } })
  let client: WebClient
  beforeAll(async () => {
    client = clientFor((await fake.start()).apiUrl, FAKE_WORKSPACE.botToken, { rejectRateLimitedCalls: true })
  })
  afterAll(async () => fake.stop())

  it('answers 429 with Retry-After past the limit in one channel, and lets other channels post', async () => {
    for (const text of ['a', 'b', 'c']) await client.chat.postMessage({ channel: CHANNEL, text })
    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'd' })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError })
    await expect(client.chat.postMessage({ channel: 'C0OTHER', text: 'e' })).resolves.toMatchObject({ ok: true })
    const refused = fake.callsTo('chat.postMessage').find((call) => call.status === 429)
    expect(refused?.args.text).toBe('d')
    expect(fake.messagesIn(CHANNEL).map((message) => message.text)).toEqual(['a', 'b', 'c'])
  })
})

describe('FakeSlackApi, driven by the real WebClient', () => {
  const fake = new FakeSlackApi({
    channels: [{ id: CHANNEL, name: 'incidents' }, 'C0OTHER'],
    usergroups: { S0ONCALL: ['U0ALICE', 'U0BOB'] },
  })
  let apiUrl: string
  let client: WebClient

  beforeAll(async () => {
    ;({ apiUrl } = await fake.start())
    client = clientFor(apiUrl)
  })
  afterEach(() => fake.reset())
  afterAll(() => fake.stop())

  describe('auth', () => {
    it('answers auth.test with the simulated bot identity', async () => {
      const result = await client.auth.test()
      expect(result).toMatchObject({ ok: true, user_id: FAKE_WORKSPACE.botUserId, team_id: FAKE_WORKSPACE.teamId })
    })

    it('rejects an unknown token with invalid_auth', async () => {
      const intruder = clientFor(apiUrl, 'xoxb-not-the-right-token')
      await expect(intruder.chat.postMessage({ channel: CHANNEL, text: 'hi' })).rejects.toMatchObject({
        code: ErrorCode.PlatformError,
        data: { ok: false, error: 'invalid_auth' },
      })
      expect(fake.messagesIn(CHANNEL)).toHaveLength(0)
    })
  })

  describe('chat.postMessage', () => {
    it('records a root message and a thread reply, with unique increasing ts', async () => {
      const root = await client.chat.postMessage({ channel: CHANNEL, text: 'payment-api latency is up' })
      const reply = await client.chat.postMessage({ channel: CHANNEL, text: 'looking into it', thread_ts: root.ts as string })

      expect(root).toMatchObject({ ok: true, channel: CHANNEL, message: { text: 'payment-api latency is up' } })
      expect(root.ts).toMatch(/^\d{10}\.\d{6}$/)
      expect(Number(reply.ts)).toBeGreaterThan(Number(root.ts))
      expect(fake.thread(CHANNEL, root.ts as string).map((message) => message.text)).toEqual(['payment-api latency is up', 'looking into it'])
      expect(fake.message(CHANNEL, reply.ts as string)).toMatchObject({ threadTs: root.ts, replyBroadcast: false })
    })

    it('decodes form-encoded blocks and keeps reply_broadcast', async () => {
      const root = await client.chat.postMessage({ channel: CHANNEL, text: 'root' })
      const reply = await client.chat.postMessage({
        channel: CHANNEL,
        text: 'fallback',
        thread_ts: root.ts as string,
        reply_broadcast: true,
        blocks: [section('*Root cause:* pool exhausted')],
      })

      expect(fake.message(CHANNEL, reply.ts as string)).toMatchObject({
        replyBroadcast: true,
        blocks: [section('*Root cause:* pool exhausted')],
      })
      expect(fake.callsTo('chat.postMessage')[1]?.args).toMatchObject({ reply_broadcast: 'true', blocks: [section('*Root cause:* pool exhausted')] })
    })

    it('also accepts application/json bodies', async () => {
      const response = await fetch(`${apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${FAKE_WORKSPACE.botToken}` },
        body: JSON.stringify({ channel: CHANNEL, text: 'sent as JSON', blocks: [section('json')] }),
      })

      expect(await response.json()).toMatchObject({ ok: true, channel: CHANNEL })
      expect(fake.messagesIn(CHANNEL)[0]).toMatchObject({ text: 'sent as JSON', blocks: [section('json')] })
    })

    it('answers channel_not_found for a channel outside the configured list', async () => {
      await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'hi' })).rejects.toMatchObject({
        data: { error: 'channel_not_found' },
      })
    })

    it('answers no_text when there is neither text nor blocks', async () => {
      await expect(client.chat.postMessage({ channel: CHANNEL, text: '' })).rejects.toMatchObject({ data: { error: 'no_text' } })
    })

    it('answers msg_too_long above 40,000 characters of text', async () => {
      await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x'.repeat(40_001) })).rejects.toMatchObject({
        data: { error: 'msg_too_long' },
      })
    })
  })

  describe('chat.update', () => {
    it('keeps the edit history and shows the final state', async () => {
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'Analyzing…' })
      await client.chat.update({ channel: CHANNEL, ts: posted.ts as string, text: 'Gathering evidence…' })
      const updated = await client.chat.update({ channel: CHANNEL, ts: posted.ts as string, text: 'Root cause found', blocks: [section('done')] })

      expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'Root cause found' })
      const message = fake.message(CHANNEL, posted.ts as string)
      expect(message).toMatchObject({ text: 'Root cause found', blocks: [section('done')] })
      expect(message?.edits.map((edit) => edit.text)).toEqual(['Analyzing…', 'Gathering evidence…'])
    })

    it('answers message_not_found for an unknown ts', async () => {
      await expect(client.chat.update({ channel: CHANNEL, ts: '1600000000.000001', text: 'x' })).rejects.toMatchObject({
        data: { error: 'message_not_found' },
      })
    })
  })

  describe('Block Kit validation', () => {
    it('rejects 51 blocks in a message', async () => {
      const blocks = Array.from({ length: 51 }, (_, index) => section(`block ${index}`))

      const rejection = client.chat.postMessage({ channel: CHANNEL, text: 'too many', blocks })

      await expect(rejection).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'invalid_blocks' } })
      await expect(rejection).rejects.toHaveProperty('data.errors', [expect.stringContaining('51 blocks')])
    })

    it('rejects a section text of 3001 characters, naming the block and the limit', async () => {
      const rejection = client.chat.postMessage({ channel: CHANNEL, text: 'long', blocks: [section('ok'), section('y'.repeat(3001))] })

      await expect(rejection).rejects.toHaveProperty('data.errors', [
        'blocks[1].text.text (section block): is 3001 characters, the limit is 3000 [json-pointer:/blocks/1/text/text]',
      ])
    })

    it('rejects a button label of 76 characters', async () => {
      const blocks = [{ type: 'actions', elements: [button('approve', 'A'.repeat(76))] }]

      await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks })).rejects.toHaveProperty('data.errors', [
        expect.stringMatching(/blocks\[0\]\.elements\[0\]\.text\.text \(button element\): is 76 characters, the limit is 75/),
      ])
    })

    it('rejects the same block on chat.update and leaves the message as it was', async () => {
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'original' })

      // apiCall, because the typed chat.update refuses a mrkdwn header at compile time.
      const mrkdwnHeader = { type: 'header', text: { type: 'mrkdwn', text: '*no*' } }

      await expect(client.apiCall('chat.update', { channel: CHANNEL, ts: posted.ts, blocks: [mrkdwnHeader] })).rejects.toMatchObject({
        data: { error: 'invalid_blocks' },
      })
      expect(fake.message(CHANNEL, posted.ts as string)).toMatchObject({ text: 'original', edits: [] })
    })

    it('allows 100 blocks in a home tab but not 101', async () => {
      const view = (count: number) => ({ type: 'home' as const, blocks: Array.from({ length: count }, () => ({ type: 'divider' })) })

      await expect(client.views.publish({ user_id: 'U0ALICE', view: view(100) })).resolves.toMatchObject({ ok: true })
      await expect(client.views.publish({ user_id: 'U0ALICE', view: view(101) })).rejects.toMatchObject({
        data: { error: 'invalid_blocks' },
      })
      expect(fake.views).toHaveLength(1)
    })
  })

  describe('failure injection', () => {
    it('makes the next call answer 429 ratelimited with Retry-After, then recovers', async () => {
      const impatient = clientFor(apiUrl, FAKE_WORKSPACE.botToken, { rejectRateLimitedCalls: true })
      fake.failNext('chat.postMessage', 'ratelimited', { status: 429, retryAfter: 7 })

      await expect(impatient.chat.postMessage({ channel: CHANNEL, text: 'first' })).rejects.toMatchObject({
        code: ErrorCode.RateLimitedError,
        retryAfter: 7,
      })
      await expect(impatient.chat.postMessage({ channel: CHANNEL, text: 'second' })).resolves.toMatchObject({ ok: true })
      expect(fake.calls.map((call) => call.status)).toEqual([429, 200])
      expect(fake.messagesIn(CHANNEL).map((message) => message.text)).toEqual(['second'])
    })

    it('injects a platform error for a given number of calls', async () => {
      fake.failNext('chat.update', 'cant_update_message', { times: 2 })
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'x' })
      const update = () => client.chat.update({ channel: CHANNEL, ts: posted.ts as string, text: 'y' })

      await expect(update()).rejects.toMatchObject({ data: { error: 'cant_update_message' } })
      await expect(update()).rejects.toMatchObject({ data: { error: 'cant_update_message' } })
      await expect(update()).resolves.toMatchObject({ ok: true })
    })
  })

  describe('other methods', () => {
    it('lists the members of a configured usergroup, and no_such_subteam otherwise', async () => {
      await expect(client.usergroups.users.list({ usergroup: 'S0ONCALL' })).resolves.toMatchObject({ users: ['U0ALICE', 'U0BOB'] })
      await expect(client.usergroups.users.list({ usergroup: 'S0MISSING' })).rejects.toMatchObject({
        data: { error: 'no_such_subteam' },
      })
    })

    it('records ephemeral messages with their message_ts', async () => {
      const result = await client.chat.postEphemeral({ channel: CHANNEL, user: 'U0ALICE', text: 'only for you' })

      expect(fake.ephemerals).toEqual([expect.objectContaining({ user: 'U0ALICE', text: 'only for you', messageTs: result.message_ts })])
    })

    it('builds permalinks for stored messages', async () => {
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'x' })

      const { permalink } = await client.chat.getPermalink({ channel: CHANNEL, message_ts: posted.ts as string })

      expect(permalink).toBe(`https://${FAKE_WORKSPACE.teamDomain}.slack.com/archives/${CHANNEL}/p${(posted.ts as string).replace('.', '')}`)
    })

    it('describes configured channels and users', async () => {
      await expect(client.conversations.info({ channel: CHANNEL })).resolves.toMatchObject({ channel: { id: CHANNEL, name: 'incidents' } })
      await expect(client.users.info({ user: 'U0ALICE' })).resolves.toMatchObject({ user: { id: 'U0ALICE', is_bot: false } })
    })

    it('answers unknown_method for methods it does not implement', async () => {
      await expect(client.apiCall('admin.teams.list')).rejects.toMatchObject({ data: { error: 'unknown_method' } })
    })
  })

  describe('incident channels: conversations.create, conversations.invite, pins.add', () => {
    it('creates a channel the bot is in and can post in, and refuses its name a second time', async () => {
      const created = await client.conversations.create({ name: 'inc-61-payment-api-latency' })
      const id = created.channel?.id as string
      expect(created).toMatchObject({
        ok: true,
        channel: { name: 'inc-61-payment-api-latency', is_private: false, is_member: true, creator: FAKE_WORKSPACE.botUserId },
      })
      expect(fake.channelMembers(id)).toEqual([FAKE_WORKSPACE.botUserId])
      await expect(client.chat.postMessage({ channel: id, text: 'summary' })).resolves.toMatchObject({ ok: true, channel: id })
      await expect(client.conversations.create({ name: 'inc-61-payment-api-latency' })).rejects.toMatchObject({ data: { error: 'name_taken' } })
      await expect(client.conversations.create({ name: 'incidents' })).rejects.toMatchObject({ data: { error: 'name_taken' } })
      fake.addChannel({ id: 'C0TAKEN', name: 'inc-62-taken' })
      await expect(client.conversations.create({ name: 'inc-62-taken' })).rejects.toMatchObject({ data: { error: 'name_taken' } })
      await expect(client.conversations.create({ name: 'inc-63', is_private: true })).resolves.toMatchObject({ channel: { is_private: true } })
    })

    it.each([
      ['', 'invalid_name_required'],
      ['x'.repeat(81), 'invalid_name_maxlength'],
      ['Inc-61', 'invalid_name_specials'],
      ['inc 61', 'invalid_name_specials'],
      ['inc.61', 'invalid_name_specials'],
      ['---', 'invalid_name_punctuation'],
    ])('refuses the name %j with %s', async (name, error) => {
      await expect(client.conversations.create({ name })).rejects.toMatchObject({ data: { ok: false, error } })
    })

    it('invites users, refusing the whole call for one it cannot invite', async () => {
      const id = (await client.conversations.create({ name: 'inc-70' })).channel?.id as string
      await expect(client.conversations.invite({ channel: id, users: 'U0ALICE,U0BOB' })).resolves.toMatchObject({ ok: true, channel: { id } })
      await expect(client.conversations.invite({ channel: id, users: 'U0CAROL,U0ALICE' })).rejects.toMatchObject({
        data: { error: 'already_in_channel', errors: [{ user: 'U0ALICE', ok: false, error: 'already_in_channel' }] },
      })
      await expect(client.conversations.invite({ channel: id, users: FAKE_WORKSPACE.botUserId })).rejects.toMatchObject({ data: { error: 'cant_invite_self' } })
      await expect(client.conversations.invite({ channel: 'C0NOPE', users: 'U0CAROL' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } })
      expect(fake.channelMembers(id)).toEqual([FAKE_WORKSPACE.botUserId, 'U0ALICE', 'U0BOB'])
    })

    it('pins a message once', async () => {
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'summary' })
      await expect(client.pins.add({ channel: CHANNEL, timestamp: posted.ts as string })).resolves.toMatchObject({ ok: true })
      await expect(client.pins.add({ channel: CHANNEL, timestamp: posted.ts as string })).rejects.toMatchObject({ data: { error: 'already_pinned' } })
      await expect(client.pins.add({ channel: CHANNEL, timestamp: '1.000001' })).rejects.toMatchObject({ data: { error: 'message_not_found' } })
      expect(fake.pinnedIn(CHANNEL)).toEqual([posted.ts])
    })

    it('answers missing_scope with the scope needed once a test revokes it', async () => {
      fake.revokeScopes('channels:manage', 'pins:write')
      await expect(client.conversations.create({ name: 'inc-80' })).rejects.toMatchObject({
        data: { error: 'missing_scope', needed: 'channels:manage', provided: expect.not.stringContaining('channels:manage') },
      })
      await expect(client.conversations.create({ name: 'inc-80', is_private: true })).resolves.toMatchObject({ ok: true })
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'summary' })
      await expect(client.pins.add({ channel: CHANNEL, timestamp: posted.ts as string })).rejects.toMatchObject({ data: { needed: 'pins:write' } })
      fake.reset()
      await expect(client.conversations.create({ name: 'inc-80' })).resolves.toMatchObject({ ok: true })
    })
  })

  describe('response_url', () => {
    it('replaces the original message, posts in channel, or answers ephemerally', async () => {
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'Approve restart?' })
      const origin = { channel: CHANNEL, user: 'U0ALICE', messageTs: posted.ts as string }
      const respond = (body: Record<string, unknown>) =>
        fetch(fake.createResponseUrl(origin), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

      await respond({ replace_original: true, text: 'Approved by @U0ALICE' })
      await respond({ response_type: 'in_channel', text: 'Restarting payment-api' })
      await respond({ text: 'Only you can see this' })

      expect(fake.responses.map((response) => response.effect)).toEqual(['replaced', 'posted', 'ephemeral'])
      expect(fake.message(CHANNEL, posted.ts as string)).toMatchObject({ text: 'Approved by @U0ALICE', edits: [{ text: 'Approve restart?' }] })
      expect(fake.messagesIn(CHANNEL).map((message) => message.text)).toEqual(['Approved by @U0ALICE', 'Restarting payment-api'])
      expect(fake.ephemerals).toEqual([expect.objectContaining({ user: 'U0ALICE', text: 'Only you can see this', postedVia: 'response_url' })])
    })

    it('deletes the original message on delete_original', async () => {
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'temporary' })
      const url = fake.createResponseUrl({ channel: CHANNEL, user: 'U0ALICE', messageTs: posted.ts as string })

      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"delete_original":true}' })

      expect(response.status).toBe(200)
      expect(fake.messagesIn(CHANNEL)).toEqual([])
      expect(fake.message(CHANNEL, posted.ts as string)?.deleted).toBe(true)
    })
  })

  describe('waitFor', () => {
    it('resolves once a later call records a matching message', async () => {
      const seen = fake.waitForMessage(CHANNEL, (message) => message.text === 'resolved')

      await client.chat.postMessage({ channel: CHANNEL, text: 'noise' })
      await client.chat.postMessage({ channel: CHANNEL, text: 'resolved' })

      await expect(seen).resolves.toMatchObject({ channel: CHANNEL, text: 'resolved' })
    })

    it('rejects with slack_simulator_timeout when nothing matches', async () => {
      await expect(fake.waitForCall('chat.postMessage', () => true, { timeoutMs: 20 })).rejects.toMatchObject({
        code: 'slack_simulator_timeout',
      })
    })
  })
})

describe('FakeSlackApi without a channel list', () => {
  const fake = new FakeSlackApi()
  afterAll(() => fake.stop())

  it('accepts any channel id', async () => {
    const { apiUrl } = await fake.start()

    await clientFor(apiUrl).chat.postMessage({ channel: 'C0ANYTHING', text: 'hello' })

    expect(fake.channels()).toEqual(['C0ANYTHING'])
  })
})

describe('FakeSlackApi file uploads (files.uploadV2: getUploadURLExternal, the upload URL, completeUploadExternal)', () => {
  const fake = new FakeSlackApi({ channels: [CHANNEL] })
  let apiUrl: string
  beforeAll(async () => {
    ;({ apiUrl } = await fake.start())
  })
  afterAll(async () => fake.stop())

  it('shares an uploaded file in the channel with its comment, as the real WebClient uploads it', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
    const answer = await clientFor(apiUrl).files.uploadV2({ channel_id: CHANNEL, file: bytes, filename: 'graph.png', title: 'Graph', initial_comment: 'here' })
    expect(answer.ok).toBe(true)
    const [shared] = fake.filesSharedIn(CHANNEL)
    expect(shared).toMatchObject({ name: 'graph.png', title: 'Graph', mimetype: 'image/png', size: 7, comment: 'here' })
    expect(shared!.bytes.equals(bytes)).toBe(true)
    expect(fake.callsTo('files.getUploadURLExternal')[0]!.answer).toMatchObject({
      ok: true,
      file_id: shared!.id,
      upload_url: expect.stringMatching(/\/upload\/v1\/F/),
    })
  })

  it('refuses to complete a file never uploaded, or one in an unknown channel', async () => {
    const client = clientFor(apiUrl)
    await expect(client.files.getUploadURLExternal({ filename: '', length: 3 })).rejects.toMatchObject({ data: { error: 'invalid_arguments' } })
    await expect(client.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }], channel_id: CHANNEL })).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    })
    const asked = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3 })
    // Asked for, never uploaded.
    await expect(client.files.completeUploadExternal({ files: [{ id: asked.file_id! }], channel_id: CHANNEL })).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    })
    const res = await fetch(asked.upload_url!, { method: 'POST', body: new Uint8Array([1, 2, 3]) })
    expect(await res.text()).toBe('OK - 3')
    const other = await client.files.getUploadURLExternal({ filename: 'b.png', length: 1 })
    await fetch(other.upload_url!, { method: 'POST', body: new Uint8Array([9]) })
    await expect(client.files.completeUploadExternal({ files: [{ id: other.file_id! }], channel_id: 'C0UNKNOWN' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    })
    expect((await fetch(`${new URL(asked.upload_url!).origin}/upload/v1/F0NOPE`, { method: 'POST', body: 'x' })).status).toBe(404)
  })
})
