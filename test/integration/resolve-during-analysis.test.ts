import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { getIncident } from '../../src/storage/repositories/incidents'
import { GatedTelemetry } from '../fakes/gated-telemetry'
import { ordersDbExhaustion } from '../fakes/scripted-telemetry'
import { postGenericAlert, startOnTestServices } from '../support/test-environment'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const CHANNEL = FAKE_WORKSPACE.channelId

describe('an alert that resolves while its analysis is running, on Postgres, BullMQ workers and the Slack simulator', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let noPlaybooks: string
  const telemetry = new GatedTelemetry(ordersDbExhaustion(new Date(Date.now() - 15 * 60_000)))

  beforeAll(async () => {
    database = await createTestDatabase()
    // No playbook to run: a run's own root updates would read the resolved incident and hide the race.
    noPlaybooks = await mkdtemp(join(tmpdir(), 'no-playbooks-'))
    env = await startOnTestServices(database, {
      telemetry,
      env: { PLAYBOOKS_DIR: noPlaybooks },
    })
  })

  afterAll(async () => {
    telemetry.open()
    await env?.stop()
    await database?.drop()
    if (noPlaybooks) await rm(noPlaybooks, { recursive: true, force: true })
  })

  const postAlert = (body: unknown) => postGenericAlert(env, body)

  it('leaves the root message saying Resolved once the analysis ends', async () => {
    const alert = { title: 'orders-db connection pool exhausted', service: 'orders-db', severity: 'critical', fingerprint: 'orders-db-pool-race' }
    const opened = (await (await postAlert(alert)).json()) as { results: Array<{ incident: { id: string } }> }
    const incidentId = opened.results[0]!.incident.id
    await telemetry.reached

    expect((await postAlert({ ...alert, status: 'resolved' })).status).toBe(202)
    const { slackTs } = (await getIncident(env.runtime.database.db, incidentId))!
    await env.fakeSlack.waitForMessage(CHANNEL, (m) => m.threadTs === slackTs && /resolved after/i.test(m.text ?? ''), { timeoutMs: 15_000 })
    telemetry.open()
    await env.idle()

    const root = env.fakeSlack.message(CHANNEL, slackTs!)
    const status = JSON.stringify(root?.blocks)
    expect(status).toContain('Resolved at')
    expect(status).not.toContain('Analyzed')
    // The analysis itself still completed and was posted in the thread.
    expect(env.fakeSlack.thread(CHANNEL, slackTs!).some((m) => /^Assessment:/.test(m.text ?? ''))).toBe(true)

    // The sweep may announce it again: one reply, one audit entry.
    await env.runtime.handlers['incident.announce-resolution']({ incidentId }, { jobId: 'again', attempt: 1 })
    expect(env.fakeSlack.thread(CHANNEL, slackTs!).filter((m) => /resolved after/i.test(m.text ?? ''))).toHaveLength(1)
    const audit = await listAuditForIncident(env.runtime.database.db, incidentId)
    expect(audit.filter((a) => a.action === 'incident.resolved')).toHaveLength(1)
  })
})
