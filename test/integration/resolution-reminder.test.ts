import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOUR_MS } from '../../src/core/durations'
import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { RESOLVE_ACTION_ID } from '../../src/slack/blocks/resolution-blocks'
import { recordResolution } from '../../src/storage/repositories/incident-resolutions'
import { getIncident } from '../../src/storage/repositories/incidents'
import { incidents } from '../../src/storage/schema'
import { processIncidentRemindResolutions } from '../../src/workers/processors/incident-remind-resolutions'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { postGenericAlert, startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

describe('an incident its alert resolved is asked what fixed it, and reminded once (Postgres, BullMQ, the Slack simulator)', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let noPlaybooks: string

  beforeAll(async () => {
    database = await createTestDatabase()
    noPlaybooks = await mkdtemp(join(tmpdir(), 'no-playbooks-'))
    env = await startOnTestServices(database, {
      telemetry: ordersDbExhaustion(new Date(Date.now() - 15 * 60_000)),
      env: { PLAYBOOKS_DIR: noPlaybooks, RESOLUTION_REMINDER_HOURS: '4' },
    })
  })

  afterAll(async () => {
    await env?.stop()
    await database?.drop()
    if (noPlaybooks) await rm(noPlaybooks, { recursive: true, force: true })
  })

  const postAlert = (body: unknown) => postGenericAlert(env, body)
  const remindAt = (at: Date) => processIncidentRemindResolutions({ ...env.runtime.deps, now: () => at })

  async function openAndClose(fingerprint: string) {
    const alert = { title: `orders-db connection pool exhausted (${fingerprint})`, service: 'orders-db', severity: 'critical', fingerprint }
    const opened = (await (await postAlert(alert)).json()) as { results: Array<{ incident: { id: string } }> }
    const incidentId = opened.results[0]!.incident.id
    await env.idle()
    expect((await postAlert({ ...alert, status: 'resolved' })).status).toBe(202)
    await env.idle()
    return (await getIncident(env.runtime.database.db, incidentId))!
  }
  const asks = (ts: string) => env.fakeSlack.thread(CHANNEL, ts).filter((m) => /What fixed|still not recorded/.test(m.text ?? ''))

  it('asks in the thread, with a button that opens the Resolve form, when the alert closes the incident', async () => {
    const incident = await openAndClose('remind-ask')
    const [ask] = asks(incident.slackTs!)
    expect(ask?.text).toMatch(/closed when its alert resolved\. What fixed it\?/)
    const button = JSON.stringify(ask?.blocks)
    expect(button).toContain(RESOLVE_ACTION_ID)
    await env.sender.blockAction({ actionId: RESOLVE_ACTION_ID, messageTs: ask!.ts, channelId: CHANNEL, value: String(incident.number) })
    await env.idle()
    expect(env.fakeSlack.openedViews.at(-1)?.view.title).toMatchObject({ text: `Resolve INC-${incident.number}` })
  })

  it('reminds once after RESOLUTION_REMINDER_HOURS, names nobody it does not know, and never again', async () => {
    const incident = await openAndClose('remind-once')
    const resolvedAt = incident.resolvedAt!.getTime()
    await remindAt(new Date(resolvedAt + 3 * HOUR_MS))
    expect(asks(incident.slackTs!)).toHaveLength(1)

    await remindAt(new Date(resolvedAt + 4 * HOUR_MS + 1000))
    const reminders = asks(incident.slackTs!).filter((m) => /still not recorded/.test(m.text ?? ''))
    expect(reminders).toHaveLength(1)
    expect(reminders[0]!.text).toMatch(/only reminder/)
    expect(reminders[0]!.text).not.toMatch(/<@/)
    expect((await getIncident(env.runtime.database.db, incident.id))!.resolutionRemindedAt).not.toBeNull()

    await remindAt(new Date(resolvedAt + 30 * HOUR_MS))
    expect(asks(incident.slackTs!).filter((m) => /still not recorded/.test(m.text ?? ''))).toHaveLength(1)
    // Still nothing invented: the incident says it was not recorded.
    expect((await getIncident(env.runtime.database.db, incident.id))!.resolution).toBeNull()
  })

  it('does not remind an incident whose resolution was recorded, and mentions the commander when there is one', async () => {
    const recorded = await openAndClose('remind-recorded')
    await recordResolution(env.runtime.database.db, recorded.id, {
      resolution: 'restarted pgbouncer',
      outcome: 'worked',
      rootCause: null,
      diagnosisLabel: 'right',
      sameIncidentId: null,
      recordedBy: DEMO_USERS.approver.id,
    })
    const commanded = await openAndClose('remind-commander')
    await env.runtime.database.db.update(incidents).set({ commanderId: DEMO_USERS.approver.id }).where(eq(incidents.id, commanded.id))
    await remindAt(new Date(commanded.resolvedAt!.getTime() + 5 * HOUR_MS))
    expect(asks(recorded.slackTs!).filter((m) => /still not recorded/.test(m.text ?? ''))).toHaveLength(0)
    const [reminder] = asks(commanded.slackTs!).filter((m) => /still not recorded/.test(m.text ?? ''))
    expect(reminder?.text).toContain(`<@${DEMO_USERS.approver.id}>`)
  })

  it('stays quiet with RESOLUTION_REMINDER_HOURS=0', async () => {
    const incident = await openAndClose('remind-off')
    await processIncidentRemindResolutions({
      ...env.runtime.deps,
      config: { ...env.runtime.deps.config, RESOLUTION_REMINDER_HOURS: 0 },
      now: () => new Date(incident.resolvedAt!.getTime() + 10 * HOUR_MS),
    })
    expect(asks(incident.slackTs!).filter((m) => /still not recorded/.test(m.text ?? ''))).toHaveLength(0)
  })
})
