import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { SyntheticTelemetry } from '../../src/integrations/telemetry/synthetic'
import { eventually } from '../support/eventually'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const NOW = new Date('2026-03-10T14:00:00Z')
const CHANNEL = FAKE_WORKSPACE.channelId
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

describe('/sre blueprint through the Bolt app and the Slack simulator, on Postgres', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startEmbeddedEnvironment({ databaseUrl: database.url, telemetry: new SyntheticTelemetry({ seed: 7 }), now: () => NOW })
  })
  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  it('says the blueprint is empty before the first refresh', async () => {
    await env.sender.slashCommand({ text: 'blueprint', channel_id: CHANNEL })
    const answer = await eventually(async () => env.fakeSlack.responses.find((r) => JSON.stringify(r.body).includes('blueprint is empty')))
    expect(answer.effect).toBe('ephemeral')
    expect(env.fakeSlack.filesSharedIn(CHANNEL)).toEqual([])
  })

  it('uploads a PNG of the refreshed blueprint with files.uploadV2, the service named in the comment', async () => {
    await env.runtime.handlers['blueprint.refresh']({}, { jobId: 'refresh-1', attempt: 1 })
    const res = await env.sender.slashCommand({ text: 'blueprint checkout-api', channel_id: CHANNEL, user_id: FAKE_WORKSPACE.userId })
    expect(res.status).toBe(200)
    const [file] = await eventually(async () => env.fakeSlack.filesSharedIn(CHANNEL).length > 0 && env.fakeSlack.filesSharedIn(CHANNEL))
    expect(file).toMatchObject({ name: 'service-blueprint.png', title: 'Service blueprint: checkout-api', mimetype: 'image/png' })
    expect(file!.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    expect(file!.size).toBe(file!.bytes.length)
    expect(file!.comment).toMatch(new RegExp(`<@${FAKE_WORKSPACE.userId}> asked for the service blueprint around \`checkout-api\`: 8 services, 9 dependencies`))
    expect(env.fakeSlack.callsTo('files.getUploadURLExternal')).toHaveLength(1)
    expect(env.fakeSlack.callsTo('files.completeUploadExternal')[0]!.answer).toMatchObject({ ok: true, files: [{ title: 'Service blueprint: checkout-api' }] })
  })

  it('names the services it has when asked for one it does not know, escaped', async () => {
    await env.sender.slashCommand({ text: 'blueprint <!channel>', channel_id: CHANNEL })
    const answer = await eventually(async () => env.fakeSlack.responses.find((r) => JSON.stringify(r.body).includes('in the blueprint. It has')))
    const text = (answer.body as { text: string }).text
    expect(text).toContain('No service `&lt;!channel&gt;` in the blueprint')
    expect(text).toContain('`checkout-api`')
    expect(env.fakeSlack.filesSharedIn(CHANNEL)).toHaveLength(1)
  })
})
