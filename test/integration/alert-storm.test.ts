import { randomBytes } from 'node:crypto'
import { isNotNull, isNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE, type FakeSlackApi } from '../../src/embedded/slack-simulator'
import { createLogger } from '../../src/logger'
import { analyses, incidents } from '../../src/storage/schema'
import { BullmqWorkers } from '../../src/workers/bullmq-queue'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'
import { startOnTestServices } from '../support/test-environment'

const CHANNEL = FAKE_WORKSPACE.channelId
const BURST = 20

/** The lines of the storm's list messages in the first root message's thread. */
function stormLines(api: FakeSlackApi): string[] {
  const root = api.rootMessagesIn(CHANNEL)[0]
  if (!root) return []
  return api
    .thread(CHANNEL, root.ts)
    .filter((reply) => reply.text?.startsWith('Storm:'))
    .flatMap((reply) => (reply.blocks ?? []).flatMap((b) => ((b as { text?: { text?: string } }).text?.text ?? '').split('\n')))
}

describe('an alert storm: 20 alerts of one service in a burst', () => {
  let database: TestDatabase
  let env: EmbeddedEnvironment
  let workers: BullmqWorkers
  beforeAll(async () => {
    database = await createTestDatabase()
    const queuePrefix = `storm-${randomBytes(4).toString('hex')}`
    // No workers while the burst lands, so every job sees the whole burst; the settle wait is never needed then.
    env = await startOnTestServices(database, { queuePrefix, workers: false, env: { STORM_SETTLE_SECONDS: '600' } })
    const responses = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        fetch(`${env.baseUrl}/alerts/generic`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${env.alertToken}` },
          body: JSON.stringify({
            title: `orders-api pod orders-api-${i} crash looping`,
            service: 'orders-api',
            severity: 'critical',
            fingerprint: `storm-${i}`,
          }),
        }),
      ),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(BURST).fill(202))
    workers = new BullmqWorkers(TEST_REDIS_URL, queuePrefix, env.runtime.handlers, createLogger('silent'), 8)
    workers.start()
    await workers.waitUntilReady()
    await env.idle(60_000)
    // The storm's thread is redrawn at the end of each redraw period (a delayed job idle does not wait for).
    await env.fakeSlack.waitFor((api) => stormLines(api).length === BURST - 1, { timeoutMs: 20_000 })
    await env.idle(60_000)
  }, 90_000)
  afterAll(async () => {
    await workers?.close()
    await env?.stop()
    await database?.drop()
  })

  it('posts one root message, which counts the storm', () => {
    const roots = env.fakeSlack.rootMessagesIn(CHANNEL)
    expect(roots).toHaveLength(1)
    expect(roots[0]!.text).toContain(`storm of ${BURST} incidents`)
    expect(JSON.stringify(roots[0]!.blocks)).toContain(`${BURST - 1} more incidents of orders-api joined this thread`)
  })

  it('gives each other incident one line in that thread and no root message of its own', async () => {
    const db = env.runtime.database.db
    const members = await db.select({ number: incidents.number, slackTs: incidents.slackTs }).from(incidents).where(isNotNull(incidents.parentIncidentId))
    expect(members).toHaveLength(BURST - 1)
    expect(members.every((m) => m.slackTs === null)).toBe(true)
    const lines = stormLines(env.fakeSlack)
    for (const m of members) expect(lines.filter((line) => line.includes(`INC-${m.number} `))).toHaveLength(1)
  })

  it('analyses only the first incident', async () => {
    const db = env.runtime.database.db
    const [parent] = await db.select({ id: incidents.id, stormSize: incidents.stormSize }).from(incidents).where(isNull(incidents.parentIncidentId))
    expect(parent?.stormSize).toBe(BURST - 1)
    const done = await db.select({ incidentId: analyses.incidentId }).from(analyses)
    expect(done.map((a) => a.incidentId)).toEqual([parent!.id])
  })
})
