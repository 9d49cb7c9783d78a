import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIGEST_CHART_NAMES } from '../../src/core/digest/digest-chart-data'
import { startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { SyntheticTelemetry } from '../../src/integrations/telemetry/synthetic'
import { latestDigest } from '../../src/storage/repositories/digest-history'
import { createIncident } from '../../src/storage/repositories/incidents'
import { eventually } from '../support/eventually'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

// Monday 7 Dec 2026, 09:00 in Paris: the weekly run covers Monday 30 Nov to Sunday 6 Dec, Paris time.
const NOW = new Date('2026-12-07T08:00:00Z')
const CHANNEL = FAKE_WORKSPACE.channelId
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

describe('digest.post through the Slack simulator, on Postgres', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startEmbeddedEnvironment({
      databaseUrl: database.url,
      telemetry: new SyntheticTelemetry({ seed: 7 }),
      now: () => NOW,
      env: { DIGEST_TIMEZONE: 'Europe/Paris' },
    })
    const db = env.runtime.database.db
    for (const [i, startedAt] of ['2026-12-01T10:00:00Z', '2026-12-03T08:00:00Z', '2026-11-25T09:00:00Z'].entries()) {
      await createIncident(db, {
        fingerprint: `digest-test-${i}`,
        source: 'generic',
        status: 'resolved',
        title: `checkout 5xx <!channel> ${i}`,
        service: 'checkout-api',
        policyName: 'Checkout 5xx',
        severity: 'high',
        startedAt: new Date(startedAt),
        resolvedAt: new Date(Date.parse(startedAt) + 30 * 60_000),
        ttrSeconds: 1800,
      })
    }
  })
  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  it('posts the weekly digest once and uploads its charts in its thread once, retried or not', async () => {
    const run = () => env.runtime.handlers['digest.post']({}, { jobId: 'repeat_digest-weekly_1', attempt: 1 })
    await run()
    await run()

    const roots = env.fakeSlack.messagesIn(CHANNEL).filter((m) => m.threadTs === undefined && (m.text ?? '').startsWith('Weekly digest'))
    expect(roots).toHaveLength(1)
    expect(roots[0]!.text).toBe('Weekly digest 30 Nov – 6 Dec 2026: 2 ↑ (was 1) incidents')
    expect(JSON.stringify(roots[0]!.blocks)).not.toContain('<!channel>')

    const files = env.fakeSlack.filesSharedIn(CHANNEL)
    expect(files.map((f) => f.name)).toEqual(DIGEST_CHART_NAMES.map((n) => `${n}.png`))
    for (const f of files) expect(f.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    const shared = env.fakeSlack.messagesIn(CHANNEL).find((m) => (m.files ?? []).length > 0)!
    expect(shared.threadTs).toBe(roots[0]!.ts)
    expect(env.fakeSlack.callsTo('files.getUploadURLExternal')).toHaveLength(DIGEST_CHART_NAMES.length)
    expect(env.fakeSlack.callsTo('files.completeUploadExternal')).toHaveLength(1)

    const stored = await latestDigest(env.runtime.database.db)
    expect(stored).toMatchObject({
      channel: CHANNEL,
      ts: roots[0]!.ts,
      since: new Date('2026-11-29T23:00:00Z'),
      until: new Date('2026-12-06T23:00:00Z'),
      timeZone: 'Europe/Paris',
      fileIds: files.map((f) => f.id),
    })
    expect(stored!.figures.incidents.byService).toEqual([{ service: 'checkout-api', current: 2, previous: 1, trend: 'up' }])
  })

  it('/sre digest answers a span it does not know with its usage, and queues nothing', async () => {
    const res = await env.sender.slashCommand({ text: 'digest 3d', channel_id: CHANNEL })
    expect(res.status).toBe(200)
    const answer = (res.body as { text: string }).text
    expect(answer).toContain('Usage: `/sre digest [7d|30d]`')
    await env.idle()
    expect(env.fakeSlack.messagesIn(CHANNEL).filter((m) => m.threadTs === undefined && (m.text ?? '').includes('digest'))).toHaveLength(1)
  })

  it('/sre incidents --service lists what a digest line counts', async () => {
    await env.sender.slashCommand({ text: 'incidents --service checkout-api --since 2026-11-30 --until 2026-12-06', user_id: 'U0DIGEST' })
    const listed = await eventually(async () => env.fakeSlack.ephemerals.find((e) => e.user === 'U0DIGEST'), { what: 'the incident list' })
    expect(listed.text).toContain('2 incident(s) of `checkout-api` started from 2026-11-30 to 2026-12-06 (Europe/Paris)')
    expect(listed.text).not.toContain('<!channel>')
  })
})
