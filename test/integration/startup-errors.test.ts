import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_WORKSPACE, FakeSlackApi } from '../../src/embedded/slack-simulator'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

/** Runs the CLI to its end; every start-up failure below ends the process. */
function runToExit(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = ''
    const child = spawn(process.execPath, ['bin/sre-agent.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (d) => (output += d))
    child.stderr!.on('data', (d) => (output += d))
    child.on('exit', (code) => resolve({ code, output }))
  })
}

/** A port nothing listens on: taken from the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

describe('start-up failures are one readable line (the CLI as a process)', () => {
  let database: TestDatabase
  let fakeSlack: FakeSlackApi
  let env: Record<string, string>

  beforeAll(async () => {
    database = await createTestDatabase()
    // The simulator accepts only its own bot token: any other is answered invalid_auth, as Slack answers a revoked one.
    fakeSlack = new FakeSlackApi()
    const { apiUrl } = await fakeSlack.start()
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: 'startup-errors',
      SLACK_BOT_TOKEN: FAKE_WORKSPACE.botToken,
      SLACK_SIGNING_SECRET: 'startup-test-signing-secret',
      SLACK_API_URL: apiUrl,
      INCIDENT_CHANNEL: FAKE_WORKSPACE.channelId,
      ALERT_WEBHOOK_TOKEN: 'startup-test-alert-token',
      PLAYBOOKS_DIR: 'test/fixtures/playbooks',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    }
  })

  afterAll(async () => {
    await fakeSlack?.stop()
    await database?.drop()
  })

  for (const role of ['bot', 'worker', 'migrate']) {
    it(`${role}: a DATABASE_URL with nothing listening names ECONNREFUSED and host:port, in one line`, async () => {
      const port = await closedPort()
      const { code, output } = await runToExit([role], { ...env, DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/test` })
      expect(code).toBe(1)
      expect(output.trim().split('\n')).toEqual([`sre-agent ${role}: cannot reach Postgres at 127.0.0.1:${port}/test (connect ECONNREFUSED 127.0.0.1:${port})`])
      expect(output).not.toContain('hunter2')
    })
  }

  it('bot: a token Slack refuses stops the start with one clear line, before "bot started"', async () => {
    const { code, output } = await runToExit(['bot'], { ...env, SLACK_BOT_TOKEN: 'xoxb-revoked-token' })
    expect(code).toBe(1)
    expect(output).not.toContain('bot started')
    const lines = output.trim().split('\n')
    expect(lines.at(-1)).toBe('sre-agent bot: Slack refused SLACK_BOT_TOKEN on auth.test (invalid_auth)')
    expect(lines.filter((l) => !l.startsWith('{'))).toHaveLength(1)
  })
})
