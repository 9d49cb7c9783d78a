import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AutomationReceiver } from '../../src/embedded/automation-receiver'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-blocks'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { listOpenIncidents } from '../../src/storage/repositories/incidents'
import { listExecutionsForIncident } from '../../src/storage/repositories/playbooks'
import { eventually } from '../support/eventually'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'
import { startOnTestServices } from '../support/test-environment'

const CHANNEL = FAKE_WORKSPACE.channelId
const ACTION_PATH = '/cloudsql/connections/reset'

describe('a worker process killed (SIGKILL) in the middle of an approved action', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let workerEnv: Record<string, string>
  const workers: ChildProcess[] = []
  // The automation runs the first call but never answers it: the worker dies waiting.
  const automation = new AutomationReceiver({ hang: (call) => call.path === ACTION_PATH && !call.duplicate })

  function startWorker(): { child: ChildProcess; output: () => string } {
    let output = ''
    const child = spawn(process.execPath, ['bin/sre-agent.js', 'worker'], { env: { ...process.env, ...workerEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (d) => (output += d))
    child.stderr!.on('data', (d) => (output += d))
    workers.push(child)
    return { child, output: () => output }
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    const queuePrefix = `crash-${randomBytes(4).toString('hex')}`
    env = await startOnTestServices(database, { queuePrefix, workers: false, automation })
    workerEnv = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      SLACK_BOT_TOKEN: FAKE_WORKSPACE.botToken,
      SLACK_API_URL: env.runtime.config.SLACK_API_URL!,
      INCIDENT_CHANNEL: CHANNEL,
      AUTOMATION_WEBHOOK_URL: env.runtime.config.AUTOMATION_WEBHOOK_URL!,
      TELEMETRY_PROVIDER: 'synthetic',
      WORKER_LOCK_MS: '1000',
      // The simulator takes any pace; the worker need not keep Slack's.
      SLACK_CHANNEL_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    }
  })

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL')
    await env?.stop()
    await database?.drop()
  })

  it('is resumed by another worker, which re-sends the action under the same idempotency key', { timeout: 90_000 }, async () => {
    const first = startWorker()
    await env.sender.slashCommand({ text: 'analyze checkout-db connection timeouts', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
    const { incident, approval } = await eventually(
      async () => {
        const incident = (await listOpenIncidents(env.runtime.database.db)).find((i) => i.title === 'checkout-db connection timeouts')
        const approval =
          incident?.slackTs && env.fakeSlack.thread(CHANNEL, incident.slackTs).find((m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID))
        return incident && approval ? { incident, approval } : undefined
      },
      { timeoutMs: 30_000, what: `the approval request (worker: ${first.output()})` },
    )

    await env.sender.blockAction({ actionId: APPROVE_ACTION_ID, messageTs: approval.ts, channelId: CHANNEL, userId: DEMO_USERS.approver.id })
    const call = await eventually(async () => automation.calls.find((c) => c.path === ACTION_PATH), { timeoutMs: 30_000, what: 'the action call' })
    first.child.kill('SIGKILL')
    await new Promise((resolve) => first.child.once('exit', resolve))

    const second = startWorker()
    const execution = await eventually(
      async () => {
        const [execution] = await listExecutionsForIncident(env.runtime.database.db, incident.id)
        return execution?.status === 'completed' ? execution : undefined
      },
      { timeoutMs: 30_000, what: `the second worker to finish the run (worker: ${second.output()})` },
    )

    expect(execution.status).toBe('completed')
    const withKey = automation.calls.filter((c) => c.idempotencyKey === call.idempotencyKey)
    expect(withKey.map((c) => c.duplicate)).toEqual([false, true])
    const audit = await listAuditForIncident(env.runtime.database.db, incident.id)
    expect(audit.filter((a) => a.action === 'action.executed')).toHaveLength(1)
    expect(audit.filter((a) => a.action === 'approval.approved')).toHaveLength(1)
  })
})
