import { eq, like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import warningsCommand from '../../src/commands/warnings'
import type { EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { SyntheticTelemetry } from '../../src/integrations/telemetry/synthetic'
import { WARNING_NOT_USEFUL_ACTION_ID, WARNING_USEFUL_ACTION_ID } from '../../src/slack/blocks/telemetry-warning-blocks'
import { getIncidentByNumber, listOpenIncidents } from '../../src/storage/repositories/incidents'
import { findForewarning, warningStatsFor } from '../../src/storage/repositories/proactive-warnings'
import { auditLog, evidenceItems, proactiveWarnings } from '../../src/storage/schema'
import { eventually } from '../support/eventually'
import { createTestDatabase, type TestDatabase } from '../support/test-database'
import { postGenericAlert, startOnTestServices } from '../support/test-environment'

const FAULT_AT = new Date('2026-03-10T14:00:00Z')
const SCAN_AT = new Date(FAULT_AT.getTime() + 8 * 60_000)
// The pool is fixed half an hour in: by the end of the warnings' horizon every metric is back.
const FIX_AT = new Date(FAULT_AT.getTime() + 30 * 60_000)
const CHANNEL = FAKE_WORKSPACE.channelId

/** `sre-agent warnings …` in this process (its own connection to `databaseUrl`), with what it printed. */
async function runWarningsStats(databaseUrl: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const saved = process.env.DATABASE_URL
  const printed: string[] = []
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk))
    return true
  })
  process.env.DATABASE_URL = databaseUrl
  try {
    return { code: await warningsCommand.run(args), stdout: printed.join('') }
  } finally {
    write.mockRestore()
    if (saved === undefined) delete process.env.DATABASE_URL
    else process.env.DATABASE_URL = saved
  }
}

describe('proactive warnings: scan → stored warning → incident → confirmed (Postgres, BullMQ, the Slack fake)', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let clock = SCAN_AT
  const rows = () => env.runtime.database.db.select().from(proactiveWarnings)
  const ephemerals = () => env.fakeSlack.callsTo('chat.postEphemeral').map((c) => JSON.stringify(c.args))

  beforeAll(async () => {
    database = await createTestDatabase()
    env = await startOnTestServices(database, {
      telemetry: new SyntheticTelemetry({
        seed: 7,
        injections: [{ kind: 'connection-pool-exhaustion', service: 'checkout-db', start: FAULT_AT, end: FIX_AT }],
      }),
      now: () => clock,
    })
  })
  afterAll(async () => {
    await env?.stop()
    await database?.drop()
  })

  it('stores each warning of the message once, confirms it by the incident that follows and records the responders’ marks', async () => {
    const { handlers } = env.runtime
    await handlers['telemetry.scan']({}, { jobId: 'scan-1', attempt: 1 })
    // A retry after posting writes nothing twice.
    await handlers['telemetry.scan']({}, { jobId: 'scan-1', attempt: 2 })
    await env.idle()
    const message = env.fakeSlack.messagesIn(CHANNEL).find((m) => m.text?.startsWith('Warning: '))!
    const audited = await env.runtime.database.db.select().from(auditLog).where(eq(auditLog.action, 'telemetry.warning'))
    const stored = await rows()
    expect(stored).toHaveLength(audited.length)
    expect(stored.every((w) => w.slackTs === message.ts && w.status === 'open' && w.warnedAt.getTime() === SCAN_AT.getTime())).toBe(true)
    const connections = stored.find((w) => w.service === 'checkout-db' && w.metric === 'db_connections_used_ratio')!
    expect(connections).toMatchObject({ kind: 'anomaly', horizonMinutes: 60, covers: ['checkout-db', 'checkout-api'], jobId: 'scan-1' })
    expect(connections.baseline).toBeLessThan(connections.level)

    // Seven minutes after the warning, checkout-api (which calls checkout-db) alerts.
    clock = new Date(SCAN_AT.getTime() + 12 * 60_000)
    const alert = await postGenericAlert(env, { title: 'checkout p95 over 2 s', service: 'checkout-api', startedAt: '2026-03-10T14:15:00Z' })
    expect(alert.status).toBe(202)
    await env.idle()
    const [incident] = await listOpenIncidents(env.runtime.database.db)
    await handlers['warnings.score']({}, { jobId: 'score-1', attempt: 1 })
    const scored = await rows()
    const covering = scored.filter((w) => w.covers.includes('checkout-api'))
    expect(covering.length).toBeGreaterThan(0)
    for (const w of covering) expect(w).toMatchObject({ status: 'confirmed', confirmedIncidentId: incident!.id, leadMinutes: 7, decidedAt: clock })
    // A warning about frontend alone is not confirmed by an incident on what it calls; its horizon has not passed.
    expect(scored.filter((w) => !w.covers.includes('checkout-api')).every((w) => w.status === 'open')).toBe(true)

    // The incident's analysis shows the warning that came first, in the metrics step.
    const shown = await env.runtime.database.db.select().from(evidenceItems).where(like(evidenceItems.title, 'Forewarned%'))
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatchObject({ stepPosition: 2, title: 'Forewarned by the warning at 14:08 UTC (lead 7 min)' })
    expect(covering.map((w) => w.summary)).toContain(shown[0]!.detail)
    const forewarning = await findForewarning(env.runtime.database.db, (await getIncidentByNumber(env.runtime.database.db, incident!.number))!)
    expect(forewarning).toMatchObject({ incidentNumber: incident!.number, leadMinutes: 7 })
    const stats = await warningStatsFor(env.runtime.database.db, { since: FAULT_AT, until: new Date(FAULT_AT.getTime() + 60 * 60_000) })
    expect(stats).toMatchObject({ warnings: scored.length, confirmed: covering.length, falseAlarms: 0, precision: 1, incidents: 1, forewarned: 1, recall: 1 })

    await env.sender.blockAction({ actionId: WARNING_USEFUL_ACTION_ID, messageTs: message.ts, channelId: CHANNEL, userId: 'U0ALICE' })
    await env.sender.blockAction({ actionId: WARNING_USEFUL_ACTION_ID, messageTs: message.ts, channelId: CHANNEL, userId: 'U0ALICE' })
    // One click marks, the other (a double click) changes nothing; either may be answered first.
    const answered = (needle: string) => ephemerals().filter((e) => e.includes(needle)).length
    await eventually(async () => answered('You already marked this warning useful') + answered('of this message useful') === 2, {
      what: 'both clicks answered',
    })
    expect(answered(`Marked the ${scored.length} warnings of this message useful`)).toBe(1)
    await env.sender.blockAction({ actionId: WARNING_NOT_USEFUL_ACTION_ID, messageTs: message.ts, channelId: CHANNEL, userId: 'U0BOB' })
    await eventually(async () => ephemerals().some((e) => e.includes("replacing <@U0ALICE>'s useful")), { what: 'the other mark' })
    expect((await rows()).every((w) => w.mark === 'not_useful' && w.markedBy === 'U0BOB')).toBe(true)
    const marks = await env.runtime.database.db.select().from(auditLog).where(eq(auditLog.action, 'telemetry.warning.marked'))
    expect(marks.map((m) => m.actor)).toEqual(['U0ALICE', 'U0BOB'])

    // Past the horizon (an hour from the onset) the frontend warnings, which no incident confirmed, are false alarms: frontend recovered.
    clock = new Date(FAULT_AT.getTime() + 90 * 60_000)
    await handlers['warnings.score']({}, { jobId: 'score-2', attempt: 1 })
    const final = await rows()
    const unconfirmed = final.filter((w) => !w.covers.includes('checkout-api'))
    expect(unconfirmed.length).toBeGreaterThan(0)
    for (const w of unconfirmed) expect(w).toMatchObject({ status: 'false_alarm', confirmedIncidentId: null, leadMinutes: null, decidedAt: clock })
    expect(final.filter((w) => w.status === 'confirmed')).toHaveLength(covering.length)

    const cli = await runWarningsStats(database.url, ['stats', '--since', '2026-03-10T14:00Z', '--until', '2026-03-10T15:00Z'])
    expect(cli.code).toBe(0)
    expect(cli.stdout).toContain('Proactive warnings from 2026-03-10 14:00 UTC to 2026-03-10 15:00 UTC')
    expect(cli.stdout).toContain(`warnings      ${scored.length} (confirmed ${covering.length}, false alarms ${unconfirmed.length}, open 0)`)
    expect(cli.stdout).toContain('recall        100.0 % (1 of 1)')
    expect(cli.stdout).toContain(`marked        useful 0, not useful ${scored.length}`)
    expect(cli.stdout).toMatch(new RegExp(`frontend\\s+${unconfirmed.length}\\s+${(unconfirmed.length * 168).toFixed(2)}`))
    expect(cli.stdout).toContain(`INC-${incident!.number}  forewarned by the warning at 14:08 UTC (lead 7 min)`)
  }, 120_000)
})
