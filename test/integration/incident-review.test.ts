import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, viewInput, viewState } from '../../src/embedded/slack-simulator'
import { REVIEW_FILE_ACTION_ID } from '../../src/slack/blocks/followup-blocks'
import { RESOLVE_ACTION_ID } from '../../src/slack/blocks/resolution-blocks'
import { getIncident, type Incident } from '../../src/storage/repositories/incidents'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { openAnalysedOrdersDbIncident } from '../support/analysed-incident'
import { startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

const text = viewInput.text
const choice = viewInput.choice
const state = viewState

describe('the post-incident review draft, through the Bolt app and the Slack simulator on Postgres and Redis', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let incident: Incident
  let pastNumber: number
  let pastId: string
  const since = new Date(Date.now() - 15 * 60_000)

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: ordersDbExhaustion(since),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks' },
    })
    const opened = await openAnalysedOrdersDbIncident(env)
    incident = opened.incident
    pastId = opened.past.id
    pastNumber = opened.past.number
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  const reviews = () => env.fakeSlack.thread(CHANNEL, incident.slackTs!).filter((m) => (m.text ?? '').startsWith('Post-incident review draft of'))
  const reviewText = (i: number) => JSON.stringify(reviews()[i]?.blocks)

  it('is not posted before the resolution is recorded', () => {
    expect(reviews()).toEqual([])
  })

  it('is posted once in the thread when the Resolve form is saved, from the recorded facts', async () => {
    await env.sender.blockAction({ actionId: RESOLVE_ACTION_ID, messageTs: incident.slackTs!, channelId: CHANNEL })
    await eventually(async () => env.fakeSlack.openedViews.length === 1, { what: 'the Resolve form' })
    const opened = env.fakeSlack.openedViews.at(-1)!
    await env.sender.viewSubmission({
      view: { ...opened.view, id: opened.viewId },
      userId: DEMO_USERS.approver.id,
      values: state({
        resolution: text('restarted pgbouncer <!channel>'),
        outcome: choice('worked'),
        root_cause: text('connection leak'),
        diagnosis: choice('right'),
        same_incident: choice(pastId, 'static_select'),
      }),
    })
    await env.idle()
    expect(reviews()).toHaveLength(1)
    const blocks = reviewText(0)
    expect(blocks).toContain(`Post-incident review draft of INC-${incident.number}`)
    expect(blocks).toContain('Root cause: connection leak')
    expect(blocks).toContain('Fixed by: restarted pgbouncer &lt;!channel&gt; (worked)')
    expect(blocks).toContain('The team judged the diagnosis right')
    expect(blocks).toMatch(new RegExp(`INC-${pastNumber} \\(named as really the same\\) was match #1 of \\d+`))
    expect(blocks).toContain('Contributing factors not recorded')
    expect(blocks).not.toContain('<!channel>')
    // A retried job of the same version posts nothing more.
    const version = (await getIncident(env.runtime.database.db, incident.id))!.resolutionRecordedAt!.toISOString()
    await env.runtime.handlers['incident.draft-review']({ incidentId: incident.id, version }, { jobId: 'retry', attempt: 2 })
    expect(reviews()).toHaveLength(1)
  })

  it('`/sre review INC-n` does not repeat the draft of the same resolution; `again` drafts it anew', async () => {
    const res = await env.sender.slashCommand({ text: `review INC-${incident.number}`, channel_id: CHANNEL })
    expect(res.status).toBe(200)
    expect(JSON.stringify(res.body)).toContain('goes to its thread')
    await env.idle()
    expect(reviews()).toHaveLength(1)
    await env.sender.slashCommand({ text: `review INC-${incident.number} again`, channel_id: CHANNEL })
    await env.idle()
    expect(reviews()).toHaveLength(2)
  })

  it('`/sre review INC-n file` uploads the Markdown to the thread with files.uploadV2', async () => {
    await env.sender.slashCommand({ text: `review INC-${incident.number} file`, channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
    const [file] = await eventually(async () => env.fakeSlack.filesSharedIn(CHANNEL).length > 0 && env.fakeSlack.filesSharedIn(CHANNEL))
    expect(file).toMatchObject({ name: `review-inc-${incident.number}.md`, mimetype: 'text/markdown' })
    expect(file!.bytes.toString('utf8')).toContain(`# Post-incident review: INC-${incident.number} `)
    expect(env.fakeSlack.message(CHANNEL, file!.messageTs)?.threadTs).toBe(incident.slackTs)
  })

  it('"Markdown file" under the draft uploads it too', async () => {
    await env.sender.blockAction({ actionId: REVIEW_FILE_ACTION_ID, messageTs: reviews().at(-1)!.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
    const files = await eventually(async () => env.fakeSlack.filesSharedIn(CHANNEL).length === 2 && env.fakeSlack.filesSharedIn(CHANNEL))
    expect(files[1]).toMatchObject({ name: `review-inc-${incident.number}.md`, mimetype: 'text/markdown' })
    expect(files[1]!.comment).toContain(`<@${DEMO_USERS.approver.id}> asked for the review draft`)
  })

  it('answers an unknown incident and a bad argument without posting', async () => {
    const none = await env.sender.slashCommand({ text: 'review INC-99999', channel_id: CHANNEL })
    expect(JSON.stringify(none.body)).toContain('There is no INC-99999.')
    const bad = await env.sender.slashCommand({ text: 'review <!channel>', channel_id: CHANNEL })
    expect(JSON.stringify(bad.body)).toContain('Usage: `/sre review')
  })

  it('`sre-agent review INC-n --format markdown --out file` writes the whole review', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'review-')), 'review.md')
    const run = await promisify(execFile)(process.execPath, ['bin/sre-agent.js', 'review', `INC-${incident.number}`, '--format', 'markdown', '--out', out], {
      env: { ...process.env, DATABASE_URL: database.url },
    })
    expect(run.stdout).toBe(`review of INC-${incident.number} → ${out}\n`)
    const markdown = await readFile(out, 'utf8')
    for (const heading of ['Summary', 'Impact window', 'Detection', 'Response times', 'Timeline (key events)', 'Root cause and contributing factors']) {
      expect(markdown).toContain(`## ${heading}\n`)
    }
    expect(markdown).toContain('- Fixed by: restarted pgbouncer \\<!channel\\> (worked)')
    const stdout = await promisify(execFile)(process.execPath, ['bin/sre-agent.js', 'review', `INC-${incident.number}`], {
      env: { ...process.env, DATABASE_URL: database.url },
    })
    expect(stdout.stdout).toBe(markdown)
  }, 120_000)
})
