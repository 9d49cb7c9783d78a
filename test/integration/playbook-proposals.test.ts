import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, viewInput, viewState } from '../../src/embedded/slack-simulator'
import type { PlaybookEditSuggestion } from '../../src/core/playbooks/playbook-edit-suggestion'
import type { Playbook, QueryStep } from '../../src/core/playbooks/schema'
import {
  PLAYBOOK_REVERT_ACTION_ID,
  PROPOSAL_APPROVE_ACTION_ID,
  PROPOSAL_REASON_BLOCK,
  PROPOSAL_REJECT_ACTION_ID,
} from '../../src/slack/blocks/playbook-proposal-blocks'
import { listOpenIncidents } from '../../src/storage/repositories/incidents'
import { getCurrentPlaybook, listPlaybookVersions } from '../../src/storage/repositories/playbook-versions'
import { createExecution, listExecutionsForIncident, recordExecutionStep } from '../../src/storage/repositories/playbooks'
import { createPastIncident } from '../support/seed-incidents'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { eventually } from '../support/eventually'
import { startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId
const OWNER = DEMO_USERS.other.id
const PLAYBOOK = 'db-connection-test'

const threshold = (pb: Playbook) => (pb.steps.find((s) => s.id === 'pool-saturation') as QueryStep).assert.value

describe('a proposed playbook edit, through the Bolt app and the Slack simulator on Postgres and Redis', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  const dir = mkdtempSync(join(tmpdir(), 'playbooks-'))

  beforeAll(async () => {
    // The fixtures, with owners named for the playbook under test: bob owns it, alice is only an approver.
    cpSync('test/fixtures/playbooks', dir, { recursive: true })
    const file = join(dir, `${PLAYBOOK}.yaml`)
    writeFileSync(file, readFileSync(file, 'utf8').replace('version: 1\n', `version: 1\nowners: [${OWNER}]\n`))
    database = await createTestDatabase()
    env = await startOnTestServices(database, { telemetry: ordersDbExhaustion(new Date(Date.now() - 15 * 60_000)), env: { PLAYBOOKS_DIR: dir } })
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  const db = () => env.runtime.database.db
  const proposalMessage = () => env.fakeSlack.rootMessagesIn(CHANNEL).find((m) => (m.text ?? '').startsWith('Suggested edit to'))
  const ephemeralsTo = (user: string) => env.fakeSlack.ephemerals.filter((e) => e.user === user).map((e) => e.text ?? '')

  it('posts the YAML diff to the owners; only they decide; the approved edit is the version the next run uses; Revert goes back', async () => {
    const base = (await getCurrentPlaybook(db(), PLAYBOOK))!
    expect(base).toMatchObject({ version: 1, owners: [OWNER] })
    const suggestion: PlaybookEditSuggestion = {
      playbookId: PLAYBOOK,
      baseVersion: 1,
      kind: 'raise-threshold',
      summary: 'raise pool-saturation to 0.95: fired on 9 healthy days of 12 runs',
      evidence: ['12 runs: pool-saturation passed 12 times, the restart helped in 3'],
      base,
      edited: {
        ...base,
        steps: base.steps.map((s) => (s.id === 'pool-saturation' && s.kind === 'query' ? { ...s, assert: { ...s.assert, value: 0.95 } } : s)),
      },
    }
    await env.runtime.queue.enqueue('playbook.propose-edit', suggestion)
    await env.idle()
    // A retried job posts nothing more.
    await env.runtime.handlers['playbook.propose-edit'](suggestion, { jobId: 'retry', attempt: 2 })
    expect(env.fakeSlack.rootMessagesIn(CHANNEL).filter((m) => (m.text ?? '').startsWith('Suggested edit to'))).toHaveLength(1)
    const posted = proposalMessage()!
    const shown = JSON.stringify(posted.blocks)
    expect(shown).toContain(`<@${OWNER}>`)
    expect(shown).toContain('-      value: 0.9\\n+      value: 0.95')
    expect(shown).toContain('fired on 9 healthy days')

    // An approver who is not an owner is refused, and no form opens.
    await env.sender.blockAction({ actionId: PROPOSAL_APPROVE_ACTION_ID, messageTs: posted.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
    await eventually(async () => ephemeralsTo(DEMO_USERS.approver.id).some((t) => t.includes('Only the owners of')), { what: 'the refusal' })
    expect(env.fakeSlack.openedViews).toHaveLength(0)

    await env.sender.blockAction({ actionId: PROPOSAL_APPROVE_ACTION_ID, messageTs: posted.ts, channelId: CHANNEL, userId: OWNER })
    await eventually(async () => env.fakeSlack.openedViews.length === 1, { what: 'the approval form' })
    const opened = env.fakeSlack.openedViews[0]!
    const view = { ...opened.view, id: opened.viewId }
    const empty = await env.sender.viewSubmission({ view, userId: OWNER, values: viewState({ [PROPOSAL_REASON_BLOCK]: viewInput.text(' ') }) })
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { [PROPOSAL_REASON_BLOCK]: expect.stringContaining('Say why') } })
    const submit = () => env.sender.viewSubmission({ view, userId: OWNER, values: viewState({ [PROPOSAL_REASON_BLOCK]: viewInput.text('too noisy <!here>') }) })
    await submit()
    // Submitted twice (a retry): applied once.
    await submit()
    await eventually(async () => ephemeralsTo(OWNER).some((t) => t.includes('already approved')), { what: 'the second submission answered' })

    expect((await listPlaybookVersions(db(), PLAYBOOK)).map((v) => [v.version, v.source, v.approvedBy, v.reason])).toEqual([
      [2, 'suggestion', OWNER, 'too noisy <!here>'],
      [1, 'file', null, null],
    ])
    const decided = () => JSON.stringify(env.fakeSlack.message(CHANNEL, posted.ts)!.blocks)
    await eventually(async () => decided().includes(`Approved by <@${OWNER}>: _too noisy &lt;!here&gt;_`), { what: 'the decision shown' })
    expect(decided()).not.toContain(PROPOSAL_REJECT_ACTION_ID)
    await eventually(async () => env.fakeSlack.thread(CHANNEL, posted.ts).some((m) => (m.text ?? '').includes('is now v2')), { what: 'the new version' })
    const announced = env.fakeSlack.thread(CHANNEL, posted.ts).find((m) => (m.text ?? '').includes('is now v2'))

    // The next run uses v2.
    await env.sender.slashCommand({ text: 'analyze orders-db connection timeouts', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
    await env.idle()
    const [incident] = await listOpenIncidents(db())
    const [run] = await listExecutionsForIncident(db(), incident!.id)
    expect(run).toMatchObject({ playbookId: PLAYBOOK, playbookVersion: 2 })
    expect(threshold(run!.definition)).toBe(0.95)

    // Revert, by an owner only: v1's definition becomes v3.
    await env.sender.blockAction({ actionId: PLAYBOOK_REVERT_ACTION_ID, messageTs: announced!.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
    await eventually(async () => ephemeralsTo(DEMO_USERS.approver.id).filter((t) => t.includes('Only the owners of')).length === 2, { what: 'refused' })
    await env.sender.blockAction({ actionId: PLAYBOOK_REVERT_ACTION_ID, messageTs: announced!.ts, channelId: CHANNEL, userId: OWNER })
    await eventually(async () => env.fakeSlack.thread(CHANNEL, posted.ts).some((m) => (m.text ?? '').includes('is now v3')), { what: 'the revert' })
    const reverted = (await getCurrentPlaybook(db(), PLAYBOOK))!
    expect(reverted.version).toBe(3)
    expect(threshold(reverted)).toBe(0.9)
  })

  it('after a resolution is recorded, proposes each edit the figures suggest for the playbooks that ran, once', async () => {
    const current = (await getCurrentPlaybook(db(), PLAYBOOK))!
    const t0 = new Date('2026-11-02T10:00:00Z')
    const at = (s: number) => new Date(t0.getTime() + s * 1000)
    let last = ''
    // Ten incidents the playbook fixed: pool-saturation found the problem each time, timeout-logs never found anything.
    for (let i = 0; i < 10; i++) {
      const start = i * 10_000
      const incident = await createPastIncident(db(), {
        title: `pool exhausted ${i}`,
        service: 'orders-db',
        startedAt: at(start),
        resolvedAt: at(start + 3600),
        resolutionRecordedAt: at(start + 3700),
        resolutionOutcome: 'worked',
        playbookId: PLAYBOOK,
      })
      const run = await createExecution(db(), {
        playbookId: PLAYBOOK,
        playbookVersion: current.version,
        definition: current,
        incidentId: incident.id,
        inputs: { service: 'orders-db', target: 'orders-db', incident: { number: incident.number, title: incident.title }, confidence: 0.8, rationale: 'r' },
        startedBy: 'system',
        status: 'completed',
        createdAt: at(start),
      })
      const step = (position: number, stepId: string, kind: string, outcome: Record<string, unknown>) =>
        recordExecutionStep(db(), {
          executionId: run.id,
          position,
          stepId,
          kind,
          status: 'succeeded',
          outcome,
          startedAt: at(start),
          finishedAt: at(start + position),
        })
      await step(0, 'pool-saturation', 'query', { passed: true, value: 0.97 })
      await step(1, 'timeout-logs', 'query', { passed: false, value: 0 })
      await step(2, 'approve-restart', 'approval', { decision: 'approved', by: DEMO_USERS.approver.id })
      await step(3, 'restart-pooler', 'action', { started: true, detail: 'restarted' })
      last = incident.id
    }
    const proposals = () => env.fakeSlack.rootMessagesIn(CHANNEL).filter((m) => (m.text ?? '').includes('drop step timeout-logs'))
    await env.runtime.handlers['playbook.suggest-edits']({ incidentId: last }, { jobId: 'suggest-1', attempt: 1 })
    await env.idle()
    expect(proposals()).toHaveLength(1)
    expect(JSON.stringify(proposals()[0]!.blocks)).toContain('-  - id: timeout-logs')
    // The next resolution finds the same edit of the same version: not proposed again.
    await env.runtime.handlers['playbook.suggest-edits']({ incidentId: last }, { jobId: 'suggest-2', attempt: 1 })
    await env.idle()
    expect(proposals()).toHaveLength(1)
  })
})
