import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config'

function problemsOf(env: Record<string, string>, role?: Parameters<typeof loadConfig>[1]): string[] {
  try {
    loadConfig(env, role)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}

describe('loadConfig', () => {
  it('defaults to the embedded database', () => {
    expect(loadConfig({}).DATABASE_URL).toBe('pglite://memory')
  })

  it('names every setting a role is missing', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://localhost/x' }, 'bot')
    expect(problems).toEqual(
      expect.arrayContaining([
        'SLACK_BOT_TOKEN: required to run "bot"',
        'SLACK_SIGNING_SECRET: required to run "bot" over HTTP (or set SLACK_APP_TOKEN to use Socket Mode, which does not need it)',
        'INCIDENT_CHANNEL: required to run "bot"',
        'ALERT_WEBHOOK_TOKEN: required to run "bot"',
      ]),
    )
  })

  it('names a malformed setting and says what is expected', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxp-user-token' })).toEqual(['SLACK_BOT_TOKEN: must be a bot token (xoxb-…)'])
    expect(problemsOf({ REDIS_URL: 'localhost:6379' })).toEqual(['REDIS_URL: must start with redis:// or rediss://'])
    expect(problemsOf({ APPROVERS: 'U123,alice' })[0]).toMatch(/^APPROVERS/)
  })

  it('schedules the telemetry scan every 5 minutes unless told otherwise, and refuses a cooldown shorter than the interval', () => {
    expect(loadConfig({})).toMatchObject({ TELEMETRY_SCAN_INTERVAL_MINUTES: 5, TELEMETRY_WARNING_COOLDOWN_MINUTES: 60, TELEMETRY_FORECAST_HORIZON_MINUTES: 30 })
    expect(loadConfig({ TELEMETRY_SCAN_INTERVAL_MINUTES: '0', TELEMETRY_WARNING_COOLDOWN_MINUTES: '1' }).TELEMETRY_SCAN_INTERVAL_MINUTES).toBe(0)
    expect(problemsOf({ TELEMETRY_SCAN_INTERVAL_MINUTES: '15', TELEMETRY_WARNING_COOLDOWN_MINUTES: '10' })).toEqual([
      'TELEMETRY_WARNING_COOLDOWN_MINUTES: must be at least TELEMETRY_SCAN_INTERVAL_MINUTES (15)',
    ])
    expect(problemsOf({ TELEMETRY_WARNING_CHANNEL: '#alerts' })).toEqual(['TELEMETRY_WARNING_CHANNEL: must be a channel id (C…)'])
  })

  it('parses the approver list of users and user groups', () => {
    expect(loadConfig({ APPROVERS: 'U0ALICE, S0ONCALL' }).APPROVERS).toEqual(['U0ALICE', 'S0ONCALL'])
  })

  it('keeps incidents in threads unless incident channels are asked for, and checks their settings', () => {
    expect(loadConfig({})).toMatchObject({
      INCIDENT_CHANNEL_MODE: 'thread',
      INCIDENT_CHANNEL_MIN_SEVERITY: 'high',
      INCIDENT_RESPONDERS: [],
      INCIDENT_CHANNEL_PREFIX: 'inc',
      INCIDENT_CHANNEL_PRIVATE: false,
    })
    const on = loadConfig({ INCIDENT_CHANNEL_MODE: 'channel', INCIDENT_RESPONDERS: 'U0ALICE,W0BOB, S0ONCALL', INCIDENT_CHANNEL_PRIVATE: 'true' })
    expect(on).toMatchObject({ INCIDENT_CHANNEL_MODE: 'channel', INCIDENT_RESPONDERS: ['U0ALICE', 'W0BOB', 'S0ONCALL'], INCIDENT_CHANNEL_PRIVATE: true })
    expect(problemsOf({ INCIDENT_CHANNEL_MODE: 'room' })[0]).toMatch(/^INCIDENT_CHANNEL_MODE/)
    expect(problemsOf({ INCIDENT_CHANNEL_MIN_SEVERITY: 'sev1' })[0]).toMatch(/^INCIDENT_CHANNEL_MIN_SEVERITY/)
    expect(problemsOf({ INCIDENT_RESPONDERS: 'U0ALICE,#oncall' })[0]).toMatch(/^INCIDENT_RESPONDERS\.1: each responder must be/)
    expect(problemsOf({ INCIDENT_CHANNEL_PREFIX: 'Inc!' })[0]).toMatch(/^INCIDENT_CHANNEL_PREFIX: must be 1 to 20/)
  })

  it('requires Redis for a worker', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://h/db', SLACK_BOT_TOKEN: 'xoxb-1', INCIDENT_CHANNEL: 'C1234' }, 'worker')).toEqual([
      'REDIS_URL: required to run "worker"',
    ])
  })

  describe('Slack transport', () => {
    const bot = { DATABASE_URL: 'postgres://h/db', SLACK_BOT_TOKEN: 'xoxb-1', INCIDENT_CHANNEL: 'C1234', ALERT_WEBHOOK_TOKEN: 'a-webhook-token-16+' }

    it('needs the signing secret over HTTP', () => {
      expect(problemsOf(bot, 'bot')).toEqual([
        'SLACK_SIGNING_SECRET: required to run "bot" over HTTP (or set SLACK_APP_TOKEN to use Socket Mode, which does not need it)',
      ])
      expect(problemsOf({ ...bot, SLACK_SIGNING_SECRET: 'signing-secret' }, 'bot')).toEqual([])
    })

    it('does not need the signing secret in Socket Mode, which SLACK_APP_TOKEN alone turns on', () => {
      expect(problemsOf({ ...bot, SLACK_APP_TOKEN: 'xapp-1-A0SRE-1' }, 'bot')).toEqual([])
      // SOCKET_MODE is not a setting: it neither asks for an app token nor turns Socket Mode on.
      expect(problemsOf({ ...bot, SOCKET_MODE: 'true' }, 'bot')).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET: required/)])
      const config = loadConfig({ ...bot, SOCKET_MODE: 'true', NODE_ENV: 'production' })
      expect(config).not.toHaveProperty('SOCKET_MODE')
      expect(config).not.toHaveProperty('NODE_ENV')
    })
  })

  it('has every variable it reads listed in the README settings table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const table = readme.slice(readme.indexOf('| variable | needed by | meaning |'))
    const rows = table.slice(0, table.indexOf('\n\n'))
    expect(CONFIG_VARIABLES.filter((name) => !rows.includes(`\`${name}\``))).toEqual([])
    expect(CONFIG_VARIABLES).toContain('SLACK_API_URL')
  })
})
