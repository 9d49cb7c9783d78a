import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, type RecordedMessage } from '../../src/embedded/slack-simulator'
import { ANALYSIS_SECTION_ACTION_ID, type AnalysisSection } from '../../src/slack/blocks/analysis-summary-blocks'
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { CANCEL_EXECUTION_ACTION_ID } from '../../src/slack/blocks/playbook-blocks'
import { listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { listExecutionSteps, listExecutionsForIncident } from '../../src/storage/repositories/playbooks'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { createPastIncident } from '../support/seed-incidents'
import { startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const PAST_TITLE = 'orders-db connection pool exhausted, orders-api timeouts'

/** The bot on Postgres and BullMQ with the Slack simulator, showing threads at the given detail. */
async function startBot(detail: 'compact' | 'full' | undefined): Promise<{ env: EmbeddedEnvironment; database: TestDatabase }> {
  const database = await createTestDatabase()
  const env = await startOnTestServices(database, {
    telemetry: ordersDbExhaustion(new Date(Date.now() - 15 * 60_000)),
    env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks', ...(detail ? { THREAD_DETAIL: detail } : {}) },
  })
  await createPastIncident(env.runtime.database.db, {
    title: PAST_TITLE,
    service: 'orders-db',
    rootCause: 'connection leak in orders-api after a driver upgrade',
    resolution: 'restarted pgbouncer and rolled back the driver',
    playbookId: 'db-connection-test',
  })
  return { env, database }
}

/** `/sre analyze <text>`, then the incident once its run waits at the approval gate and every job is done. */
async function analyzeUntilApproval(env: EmbeddedEnvironment, text: string): Promise<Incident> {
  await env.sender.slashCommand({ text: `analyze ${text}`, channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
  const incident = await eventually(
    async () => {
      const found = (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === text)
      const asked = found?.slackTs && env.fakeSlack.thread(CHANNEL, found.slackTs).some((m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID))
      return asked ? found : undefined
    },
    { what: 'the approval request in the new thread' },
  )
  await env.idle()
  return incident
}

const blocksOf = (m: RecordedMessage | undefined) => JSON.stringify(m?.blocks ?? [])
const replies = (env: EmbeddedEnvironment, incident: Incident) => env.fakeSlack.thread(CHANNEL, incident.slackTs!).filter((m) => m.ts !== incident.slackTs)

describe('the incident thread', () => {
  describe('compact (the default)', () => {
    let env: EmbeddedEnvironment
    let database: TestDatabase
    let incident: Incident

    beforeAll(async () => {
      ;({ env, database } = await startBot(undefined))
      incident = await analyzeUntilApproval(env, 'orders-db connection timeouts (compact)')
    })

    afterAll(async () => {
      await env?.stop()
      await database?.drop()
    })

    it('holds the root message and three replies: the analysis, the run progress and the approval request', () => {
      const thread = replies(env, incident)
      expect(thread.map((m) => m.text)).toEqual([
        expect.stringMatching(/^Assessment: /),
        expect.stringMatching(/^Playbook Database connection exhaustion \(test\): waiting approval/),
        expect.stringMatching(/^Approval pending: /),
      ])
      const analysis = blocksOf(thread[0])
      expect(analysis).toContain('Closest past incident')
      expect(analysis).toContain('restarted pgbouncer and rolled back the driver')
      expect(analysis).toContain('Strongest evidence')
      for (const section of ['evidence', 'trail', 'similar']) expect(analysis).toContain(`${ANALYSIS_SECTION_ACTION_ID}:${section}`)
    })

    it('posts the root message as analysing rather than posting it and editing it at once', () => {
      const root = env.fakeSlack.callsTo('chat.postMessage').find((c) => c.answer.ts === incident.slackTs)
      expect(JSON.stringify(root?.args.blocks)).toContain('Analyzing…')
      const edits = env.fakeSlack.callsTo('chat.update').filter((c) => c.args.ts === incident.slackTs)
      expect(edits.map((c) => JSON.stringify(c.args.blocks).includes('Analyzing…'))).not.toContain(true)
    })

    it("folds each read-only step's finding into the run's progress message, one line each", async () => {
      const [execution] = await listExecutionsForIncident(env.runtime.database.db, incident.id)
      const progress = blocksOf(env.fakeSlack.message(CHANNEL, execution!.slackTs!))
      expect(progress).toContain(CANCEL_EXECUTION_ACTION_ID)
      const steps = await listExecutionSteps(env.runtime.database.db, execution!.id)
      const queries = steps.filter((s) => s.kind === 'query')
      expect(queries.length).toBeGreaterThan(0)
      for (const step of queries) expect(progress).toContain(String(step.outcome.summary).split('\n')[0]!.slice(0, 60))
      // No message of its own for any step: the replies are the three above.
      expect(replies(env, incident)).toHaveLength(3)
    })

    const sections: Array<[AnalysisSection, RegExp, string]> = [
      ['evidence', /^Evidence: \d+ items/, 'orders-db'],
      ['trail', /^Reasoning trail of INC-\d+ \(part 1 of/, 'Have we seen this before?'],
      ['similar', /^Similar incidents: INC-\d+/, PAST_TITLE],
    ]
    it.each(sections)('posts the %s section once in the thread, however often its button is clicked', async (section, posted, says) => {
      const analysis = replies(env, incident).find((m) => m.text?.startsWith('Assessment:'))!
      const click = () =>
        env.sender.blockAction({
          actionId: `${ANALYSIS_SECTION_ACTION_ID}:${section}`,
          messageTs: analysis.ts,
          channelId: CHANNEL,
          userId: DEMO_USERS.other.id,
        })
      const before = env.fakeSlack.ephemerals.length
      // A double click, then one more after it.
      expect((await Promise.all([click(), click()])).map((r) => r.status)).toEqual([200, 200])
      const message = await eventually(async () => replies(env, incident).find((m) => posted.test(m.text ?? '')), { what: `the ${section} section` })
      await eventually(async () => env.fakeSlack.ephemerals.length === before + 1, { what: 'the answer to the second click' })
      await click()
      await eventually(async () => env.fakeSlack.ephemerals.length === before + 2, { what: 'the answer to the third click' })
      expect(env.fakeSlack.ephemerals.slice(before).map((e) => e.text)).toEqual([
        expect.stringMatching(/already posted in this thread/),
        expect.stringMatching(/already posted/),
      ])
      expect(replies(env, incident).filter((m) => posted.test(m.text ?? ''))).toHaveLength(1)
      expect(message.threadTs).toBe(incident.slackTs)
      expect(blocksOf(message)).toContain(says)
    })

    it('tells the user when the section could not be posted, and the next click posts it', async () => {
      const other = await analyzeUntilApproval(env, 'orders-db pool timeouts (post fails)')
      const analysis = replies(env, other).find((m) => m.text?.startsWith('Assessment:'))!
      const click = () =>
        env.sender.blockAction({ actionId: `${ANALYSIS_SECTION_ACTION_ID}:evidence`, messageTs: analysis.ts, channelId: CHANNEL, userId: DEMO_USERS.other.id })
      const before = env.fakeSlack.ephemerals.length
      env.fakeSlack.failNext('chat.postMessage', 'internal_error')
      await click()
      const told = await eventually(async () => env.fakeSlack.ephemerals.slice(before).find((e) => e.user === DEMO_USERS.other.id))
      expect(told.text).toMatch(/^:warning: I could not post the evidence in the thread \(.*internal_error/)
      await click()
      await eventually(async () => replies(env, other).find((m) => /^Evidence: /.test(m.text ?? '')), { what: 'the evidence after the retry' })
      expect(replies(env, other).filter((m) => /^Evidence: /.test(m.text ?? ''))).toHaveLength(1)
    })

    it('answers a click on a section of an analysis that does not exist', async () => {
      const before = env.fakeSlack.ephemerals.length
      await env.sender.blockAction({
        actionId: `${ANALYSIS_SECTION_ACTION_ID}:evidence`,
        value: '00000000-0000-4000-8000-000000000000',
        channelId: CHANNEL,
        userId: DEMO_USERS.other.id,
      })
      const answer = await eventually(async () => env.fakeSlack.ephemerals.slice(before).find((e) => e.user === DEMO_USERS.other.id))
      expect(answer.text).toMatch(/no longer exists/)
    })
  })

  describe('THREAD_DETAIL=full', () => {
    let env: EmbeddedEnvironment
    let database: TestDatabase

    beforeAll(async () => {
      ;({ env, database } = await startBot('full'))
    })

    afterAll(async () => {
      await env?.stop()
      await database?.drop()
    })

    it('posts every section and every step result as its own message, with no section buttons', async () => {
      const incident = await analyzeUntilApproval(env, 'orders-db connection timeouts (full)')
      const thread = replies(env, incident)
      const texts = thread.map((m) => m.text ?? '')
      expect(texts[0]).toMatch(/^Similar incidents: INC-\d+/)
      expect(texts[1]).toMatch(/^Evidence: \d+ items/)
      expect(texts[2]).toMatch(/^Assessment:/)
      expect(texts.filter((t) => /^Reasoning trail of INC-\d+ \(part \d+ of \d+\)/.test(t)).length).toBeGreaterThan(0)
      const [execution] = await listExecutionsForIncident(env.runtime.database.db, incident.id)
      const queries = (await listExecutionSteps(env.runtime.database.db, execution!.id)).filter((s) => s.kind === 'query')
      // One message per read-only step, titled like the step.
      for (const step of queries) expect(texts.some((t) => t.endsWith(String(step.outcome.summary)))).toBe(true)
      expect(JSON.stringify(thread.map((m) => m.blocks))).not.toContain(ANALYSIS_SECTION_ACTION_ID)
      expect(thread.length).toBeGreaterThan(4 + queries.length)
    })
  })
})
