import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, startEmbeddedEnvironment, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { RUN_PLAYBOOK_ACTION_ID } from '../../src/slack/blocks/playbook-blocks'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { listExecutionsForIncident } from '../../src/storage/repositories/playbooks'
import { ScriptedTelemetry } from '../fakes/scripted-telemetry'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const USER = DEMO_USERS.approver.id

describe('what people see when a playbook run fails or is asked for twice (in-process jobs on Postgres)', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let incident: Incident

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startEmbeddedEnvironment({
      databaseUrl: database.url,
      telemetry: new ScriptedTelemetry({}),
      env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks-failure' },
    })
    await env.sender.slashCommand({ text: 'analyze paging-svc paging storm', channel_id: CHANNEL, user_id: USER })
    await env.idle()
    incident = (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === 'paging-svc paging storm')!
  })
  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  const runsOf = async (playbookId: string) =>
    (await listExecutionsForIncident(env.runtime.database.db, incident.id)).filter((e) => e.playbookId === playbookId)
  const threadTexts = () => env.fakeSlack.thread(CHANNEL, incident.slackTs!).map((m) => m.text ?? '')
  const startRequest = (playbookId: string) => ({ playbookId, incidentNumber: incident.number, userId: USER, channelId: CHANNEL })

  describe('a run whose step job fails for good', () => {
    it('stops at once on a channel that does not exist, and says so in the thread', async () => {
      const [run] = await runsOf('page-away')
      expect(run?.status).toBe('failed')
      // Permanent: one try, not three.
      expect(env.fakeSlack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0GONE')).toHaveLength(1)
      expect(threadTexts().filter((t) => t.includes('Paged about'))).toHaveLength(0)
      expect(threadTexts().find((t) => t.includes('stopped'))).toContain('Slack channel C0GONE cannot be posted in (channel_not_found)')
      const progress = env.fakeSlack.message(CHANNEL, run!.slackTs!)
      expect(progress?.text).toBe('Playbook Failure fixture paging a channel that does not exist: failed')
      expect(
        env.fakeSlack
          .message(CHANNEL, incident.slackTs!)
          ?.blocks?.map((b) => JSON.stringify(b))
          .join(''),
      ).toContain('(failed)')
      const audit = await listAuditForIncident(env.runtime.database.db, incident.id)
      expect(audit.find((a) => a.action === 'playbook.failed')?.details).toMatchObject({ playbook: 'page-away', atStep: 0 })
    })

    it('is marked failed, not left running, when its last attempt fails', async () => {
      const attemptsBefore = env.fakeSlack.callsTo('chat.postMessage').length
      // Every attempt to post the run's progress message fails; the failure notice after them goes through.
      env.fakeSlack.failNext('chat.postMessage', 'internal_error', { times: 3 })
      await env.runtime.handlers['playbook.start'](startRequest('hand-steps'), { jobId: 'start-after-outage', attempt: 1 })
      await env.idle()
      const [run] = await runsOf('hand-steps')
      expect(run?.status).toBe('failed')
      expect(
        env.fakeSlack
          .callsTo('chat.postMessage')
          .slice(attemptsBefore)
          .map((c) => c.status === 200 && c.answer.ok),
      ).toEqual([false, false, false, true])
      expect(threadTexts().find((t) => t.includes('Failure fixture with a step done by hand* stopped'))).toContain('internal_error')
    })
  })

  describe('a run asked for twice', () => {
    it('starts once when the Run button is double-clicked', async () => {
      const actionId = `${RUN_PLAYBOOK_ACTION_ID}:hand-steps`
      const offer = env.fakeSlack.thread(CHANNEL, incident.slackTs!).find((m) => JSON.stringify(m.blocks ?? []).includes(actionId))
      expect(offer).toBeDefined()
      const click = () => env.sender.blockAction({ actionId, value: `hand-steps:${incident.number}`, messageTs: offer!.ts, channelId: CHANNEL, userId: USER })
      await Promise.all([click(), click()])
      await env.idle()
      expect((await runsOf('hand-steps')).filter((e) => e.status === 'waiting_manual')).toHaveLength(1)
      // The second click was the same job: it never reached the worker to be refused there.
      expect(env.fakeSlack.ephemerals.filter((e) => (e.text ?? '').includes('is already running on'))).toHaveLength(0)
    })

    it('refuses a second run while one is active, even from two jobs at once', async () => {
      const before = (await runsOf('hand-steps')).length
      const start = (jobId: string) => env.runtime.handlers['playbook.start'](startRequest('hand-steps'), { jobId, attempt: 1 })
      await Promise.all([start('one-replica'), start('another-replica')])
      await env.idle()
      expect(await runsOf('hand-steps')).toHaveLength(before)
      const refusals = env.fakeSlack.ephemerals.filter((e) => e.user === USER && (e.text ?? '').includes('is already running on'))
      expect(refusals).toHaveLength(2)
    })
  })
})
