import { LogLevel, WebClient } from '@slack/web-api'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_WORKSPACE, FakeSlackApi, renderTranscript } from '../../../../src/embedded/slack-simulator'

const CHANNEL = FAKE_WORKSPACE.channelId

const approvalBlocks = (status: string) => [
  { type: 'header', text: { type: 'plain_text', text: 'payment-api: p99 latency' } },
  {
    type: 'section',
    text: { type: 'mrkdwn', text: `*Status:* ${status}\nSee <https://console.cloud.google.com/run|Cloud Run> &amp; ask <@U0ALICE>` },
    fields: [
      { type: 'mrkdwn', text: '*Confidence*\n82%' },
      { type: 'mrkdwn', text: '*Similar to*\nINC-1042' },
    ],
  },
  {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: 'p99 went from 180ms to 2.4s &lt;10 min ago' },
      { type: 'image', image_url: 'https://example.com/g.png', alt_text: 'latency graph' },
    ],
  },
  { type: 'divider' },
  { type: 'image', image_url: 'https://example.com/chart.png', alt_text: 'pool usage' },
  {
    type: 'actions',
    elements: [
      { type: 'button', action_id: 'approve', style: 'primary', text: { type: 'plain_text', text: 'Approve' } },
      { type: 'button', action_id: 'reject', style: 'danger', text: { type: 'plain_text', text: 'Reject' } },
      { type: 'button', action_id: 'runbook', url: 'https://runbooks.example.com/pool', text: { type: 'plain_text', text: 'Runbook' } },
    ],
  },
]

describe('renderTranscript', () => {
  const fake = new FakeSlackApi({
    channels: [
      { id: CHANNEL, name: 'incidents' },
      { id: 'C0ALERTS', name: 'alerts' },
    ],
  })
  let client: WebClient

  beforeAll(async () => {
    const { apiUrl } = await fake.start()
    client = new WebClient(FAKE_WORKSPACE.botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR })
  })
  afterEach(() => fake.reset())
  afterAll(() => fake.stop())

  async function postIncidentThread(): Promise<{ rootTs: string }> {
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'payment-api latency', blocks: approvalBlocks('analyzing') })
    const rootTs = root.ts as string
    await client.chat.postMessage({ channel: CHANNEL, thread_ts: rootTs, text: 'Evidence: pool at *98%* of max' })
    await client.chat.postEphemeral({ channel: CHANNEL, thread_ts: rootTs, user: 'U0ALICE', text: 'You are on call for payment-api' })
    await client.chat.update({ channel: CHANNEL, ts: rootTs, text: 'payment-api latency', blocks: approvalBlocks('root cause found') })
    await client.chat.update({ channel: CHANNEL, ts: rootTs, text: 'payment-api latency', blocks: approvalBlocks('awaiting approval') })
    await client.chat.postMessage({ channel: CHANNEL, text: 'Next alert' })
    return { rootTs }
  }

  it('renders a thread with its buttons, in final state and in ts order', async () => {
    const { rootTs } = await postIncidentThread()

    const lines = renderTranscript(fake).split('\n')

    expect(lines.slice(0, 2)).toEqual(['#incidents (C0INCIDENTS)', '━'.repeat('#incidents (C0INCIDENTS)'.length)])
    expect(lines).toContain(`[${rootTs}] @sre-agent (edited 2×)`)
    expect(lines).toContain('  PAYMENT-API: P99 LATENCY')
    expect(lines).toContain('  *Status:* awaiting approval')
    expect(lines).not.toContain('  *Status:* analyzing')
    expect(lines).toContain('  [ Approve ✓ ]  [ Reject ✗ ]  [ Runbook ↗ ]')
    const root = lines.indexOf(`[${rootTs}] @sre-agent (edited 2×)`)
    const reply = lines.findIndex((line) => line.startsWith('    ↳ ') && line.endsWith('@sre-agent'))
    const ephemeral = lines.findIndex((line) => line.includes('(only visible to @U0ALICE)'))
    const nextRoot = lines.findIndex((line) => /^\[\d+\.\d+\] @sre-agent$/.test(line))
    expect(root).toBeLessThan(reply)
    expect(reply).toBeLessThan(ephemeral)
    expect(ephemeral).toBeLessThan(nextRoot)
    expect(lines[reply + 1]).toBe('      Evidence: pool at *98%* of max')
    expect(lines[ephemeral]).toMatch(/^ {4}↳ \[\d+\.\d+\] @sre-agent \(only visible to @U0ALICE\)$/)
  })

  it('renders sections, fields, context, dividers and images as text, with mrkdwn unescaped', async () => {
    await client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: approvalBlocks('analyzing') })

    const lines = renderTranscript(fake).split('\n')

    expect(lines).toContain('  See Cloud Run (https://console.cloud.google.com/run) & ask @U0ALICE')
    expect(lines).toContain('  *Confidence*')
    expect(lines).toContain('  82%')
    expect(lines).toContain('  · p99 went from 180ms to 2.4s <10 min ago  [image: latency graph]')
    expect(lines).toContain(`  ${'─'.repeat(40)}`)
    expect(lines).toContain('  [image: pool usage]')
  })

  it('shows what was posted through response_url where it landed', async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'Approve restart?' })
    const url = fake.createResponseUrl({ channel: CHANNEL, user: 'U0ALICE', messageTs: posted.ts as string })
    const post = (body: object) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    await post({ replace_original: true, text: 'Approved by <@U0ALICE>' })
    await post({ response_type: 'in_channel', text: 'Restart started' })

    const transcript = renderTranscript(fake)

    expect(transcript).toContain(`[${posted.ts}] @sre-agent (edited 1×)\n  Approved by @U0ALICE`)
    expect(transcript).toMatch(/@sre-agent \(via response_url\)\n {2}Restart started/)
  })

  it('limits the output to the channels asked for', async () => {
    await client.chat.postMessage({ channel: CHANNEL, text: 'incident chatter' })
    await client.chat.postMessage({ channel: 'C0ALERTS', text: 'raw alert' })

    const transcript = renderTranscript(fake, { channels: ['C0ALERTS'] })

    expect(transcript).toContain('#alerts (C0ALERTS)')
    expect(transcript).toContain('raw alert')
    expect(transcript).not.toContain('incident chatter')
  })
})
