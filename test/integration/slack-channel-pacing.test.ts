import { randomBytes } from 'node:crypto'
import { WebClient } from '@slack/web-api'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_WORKSPACE, FakeSlackApi } from '../../src/embedded/slack-simulator'
import { MemoryChannelPacing } from '../../src/integrations/pacing/memory-channel-pacing'
import { RedisChannelPacing } from '../../src/integrations/pacing/redis-channel-pacing'
import type { ChannelPacing } from '../../src/slack/channel-pacing'
import { SlackMessenger, type MessengerTiming } from '../../src/slack/messenger'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

/** A clock that only moves when the messenger sleeps, and remembers each wait. */
function fakeTiming(start = 1_000_000): MessengerTiming & { waits: number[]; at: number } {
  const timing = {
    at: start,
    waits: [] as number[],
    now: () => timing.at,
    async sleep(ms: number) {
      timing.waits.push(ms)
      timing.at += ms
    },
  }
  return timing
}

describe('SlackMessenger against the Slack simulator', () => {
  let t: TestDatabase
  const fakeSlack = new FakeSlackApi()
  let client: WebClient
  beforeAll(async () => {
    t = await createTestDatabase()
    const { apiUrl } = await fakeSlack.start()
    // Retries off and 429s handed back, as the runtime does: the messenger, not the SDK, waits.
    client = new WebClient(FAKE_WORKSPACE.botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true })
  })
  afterAll(async () => {
    await fakeSlack.stop()
    await t.drop()
  })
  beforeEach(() => fakeSlack.reset())

  it('waits out a 429 for as long as Retry-After says, then posts the message once', async () => {
    const timing = fakeTiming()
    const messenger = new SlackMessenger(client, t.handle.db, new MemoryChannelPacing({ intervalMs: 1000, burst: 5 }, timing.now), timing)
    fakeSlack.failNext('chat.postMessage', 'ratelimited', { status: 429, retryAfter: 7 })

    const posted = await messenger.postOnce(`test:${randomBytes(4).toString('hex')}`, CHANNEL, { text: 'orders-api 5xx', blocks: [] })

    expect(fakeSlack.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200])
    expect(fakeSlack.messagesIn(CHANNEL).map((m) => m.ts)).toEqual([posted.ts])
    // The channel is held for the 7 s, then paced from there.
    expect(timing.waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(7000)
  })

  it('sends fewer edits of one message than were asked for, and the last one wins', async () => {
    const timing = fakeTiming()
    const messenger = new SlackMessenger(client, t.handle.db, new MemoryChannelPacing({ intervalMs: 1000, burst: 1 }, timing.now), timing)
    const root = await messenger.postOnce(`test:${randomBytes(4).toString('hex')}`, CHANNEL, { text: 'v0', blocks: [] })

    await Promise.all(Array.from({ length: 10 }, (_, i) => messenger.update(root.channel, root.ts, { text: `v${i + 1}`, blocks: [] })))

    const updates = fakeSlack.callsTo('chat.update')
    expect(updates.length).toBeLessThan(10)
    expect(updates.at(-1)?.args.text).toBe('v10')
    expect(fakeSlack.message(CHANNEL, root.ts)?.text).toBe('v10')
  })

  it('does not send an edit that changes nothing', async () => {
    const timing = fakeTiming()
    const messenger = new SlackMessenger(client, t.handle.db, new MemoryChannelPacing({ intervalMs: 1000, burst: 1 }, timing.now), timing)
    const root = await messenger.postOnce(`test:${randomBytes(4).toString('hex')}`, CHANNEL, { text: 'v0', blocks: [] })

    await messenger.update(root.channel, root.ts, { text: 'v0', blocks: [] })
    await messenger.update(root.channel, root.ts, { text: 'v1', blocks: [] })
    await messenger.update(root.channel, root.ts, { text: 'v1', blocks: [] })

    expect(fakeSlack.callsTo('chat.update').map((c) => c.args.text)).toEqual(['v1'])
    // Only the two sends took pacing slots.
    expect(timing.waits).toEqual([1000])
  })

  it('merges an edit made while another edit is held by a 429 into the resend', async () => {
    const timing = fakeTiming()
    const messenger = new SlackMessenger(client, t.handle.db, new MemoryChannelPacing({ intervalMs: 1000, burst: 5 }, timing.now), timing)
    const root = await messenger.postOnce(`test:${randomBytes(4).toString('hex')}`, CHANNEL, { text: 'v0', blocks: [] })
    fakeSlack.failNext('chat.update', 'ratelimited', { status: 429, retryAfter: 2 })

    const first = messenger.update(root.channel, root.ts, { text: 'analyzing', blocks: [] })
    await fakeSlack.waitForCall('chat.update', (c) => c.status === 429)
    const second = messenger.update(root.channel, root.ts, { text: 'analyzed', blocks: [] })
    await Promise.all([first, second])

    expect(fakeSlack.message(CHANNEL, root.ts)?.text).toBe('analyzed')
    expect(
      fakeSlack
        .callsTo('chat.update')
        .filter((c) => c.status === 200)
        .at(-1)?.args.text,
    ).toBe('analyzed')
  })
})

describe.each<[string, (now: () => number) => ChannelPacing[]]>([
  [
    'in Redis, shared by two replicas',
    (now) => {
      const prefix = `test-pace-${randomBytes(4).toString('hex')}`
      const rate = { intervalMs: 1000, burst: 2 }
      return [new RedisChannelPacing(TEST_REDIS_URL, prefix, rate, now), new RedisChannelPacing(TEST_REDIS_URL, prefix, rate, now)]
    },
  ],
  [
    'in memory',
    (now) => {
      const pacing = new MemoryChannelPacing({ intervalMs: 1000, burst: 2 }, now)
      return [pacing, pacing]
    },
  ],
])('channel pacing %s', (_name, build) => {
  it('lets a burst through, then spaces sends by the interval, and a hold applies to every sender', async () => {
    let now = 5_000_000
    const [a, b] = build(() => now)
    try {
      expect([await a!.reserve('C1'), await b!.reserve('C1'), await a!.reserve('C1'), await b!.reserve('C1')]).toEqual([0, 0, 1000, 2000])
      // Another channel has its own budget.
      expect(await b!.reserve('C2')).toBe(0)
      now += 10_000
      expect(await a!.reserve('C1')).toBe(0)
      await a!.holdUntil('C1', now + 30_000)
      expect(await b!.reserve('C1')).toBe(30_000)
    } finally {
      await a!.close()
      await b!.close()
    }
  })
})
