import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedEnvironment, DEMO_USERS, type EmbeddedEnvironment } from '../../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../../src/embedded/slack-simulator'
import { listOpenIncidents, type Incident } from '../../../src/storage/repositories/incidents'
import { eventually } from '../../support/eventually'
import { createPastIncident } from '../../support/seed-incidents'

const CHANNEL = FAKE_WORKSPACE.channelId

describe('similar incidents and the reasoning trail, in embedded mode (PGlite, in-process jobs, Slack simulator)', () => {
  let env: EmbeddedEnvironment
  let incident: Incident
  let userCount = 0

  /** Runs `/sre <text>` as a fresh user and returns what came back through response_url. */
  async function sre(text: string, expectReplies = 1) {
    const user = `U0TEST${++userCount}`
    const res = await env.sender.slashCommand({ text, channel_id: CHANNEL, user_id: user })
    expect(res.status).toBe(200)
    const replies = await eventually(
      async () => {
        const mine = env.fakeSlack.ephemerals.filter((e) => e.user === user && e.postedVia === 'response_url')
        return mine.length >= expectReplies && mine
      },
      { what: `${expectReplies} repl(ies) to /sre ${text.slice(0, 40)}` },
    )
    return { ack: res.body as { text?: string } | undefined, replies, all: JSON.stringify(replies) }
  }

  beforeAll(async () => {
    // The thread's test reads every section as the full thread posts it; the commands answer the same either way.
    env = await startEmbeddedEnvironment({ env: { PLAYBOOKS_DIR: 'test/fixtures/playbooks', THREAD_DETAIL: 'full' } })
    const db = env.runtime.database.db
    await createPastIncident(db, {
      title: 'orders-db connection pool exhausted, orders-api timeouts',
      service: 'orders-db',
      rootCause: 'connection leak after a driver upgrade',
      resolution: 'restarted pgbouncer and rolled back the driver',
      playbookId: 'db-connection-test',
    })
    await createPastIncident(db, { title: 'frontend TLS certificate expiring', service: 'frontend', resolution: 'renewed the certificate' })
    await env.sender.slashCommand({ text: 'analyze orders-db connection pool exhausted again', channel_id: CHANNEL, user_id: DEMO_USERS.approver.id })
    incident = await eventually(async () => (await listOpenIncidents(db)).find((i) => i.title === 'orders-db connection pool exhausted again' && i.slackTs), {
      what: 'the analysed incident',
    })
    await env.idle()
  })

  afterAll(async () => env?.stop())

  it('posts the similar incidents, the assessment and the whole reasoning trail in the incident thread', () => {
    const thread = env.fakeSlack.thread(CHANNEL, incident.slackTs!)
    const texts = thread.map((m) => m.text ?? '')
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Similar incidents: INC-1\b/),
        expect.stringMatching(/^Assessment:/),
        `Reasoning trail of INC-${incident.number} (part 1 of 1)`,
      ]),
    )
    const trail = JSON.stringify(thread.find((m) => m.text?.startsWith('Reasoning trail'))!.blocks)
    for (const q of ['Have we seen this before?', 'What do the metrics show?', 'Which explanation fits the evidence?', 'How sure are we?'])
      expect(trail).toContain(q)
    expect(trail).toContain('Hybrid search of incidents before')
    expect(trail).toContain('restarted pgbouncer and rolled back the driver (worked)')
  })

  it('/sre similar INC-n lists the past incidents like it, each saying why', async () => {
    const { replies, all } = await sre(`similar INC-${incident.number}`)
    expect(replies[0]!.text).toMatch(/^Similar incidents: INC-1\b/)
    expect(all).toContain('Matched on: text ')
    expect(all).toContain('same service')
    expect(all).toContain('restarted pgbouncer and rolled back the driver')
    expect(all).not.toContain(`INC-${incident.number} orders-db connection pool exhausted again — similarity`)
  })

  it('/sre similar <text> searches from a description, and a huge one is capped and says so', async () => {
    const plain = await sre('similar orders-db pool exhausted')
    // History up to now: the open incident itself is the closest, then the past one.
    expect(plain.replies[0]!.text).toMatch(new RegExp(`^Similar incidents: INC-${incident.number}, INC-1\\b`))
    const huge = await sre(`similar ${'orders-db pool exhausted and timeouts everywhere '.repeat(400)}`)
    expect(huge.all).toContain('only the first 8,000 were used')
  })

  it('/sre similar says when nothing is a confident match', async () => {
    const { all } = await sre('similar quantum flux capacitor misaligned')
    expect(all).toMatch(/no confident match|none found/)
  })

  it('/sre similar without anything to search for answers with the usage', async () => {
    const res = await env.sender.slashCommand({ text: 'similar', channel_id: CHANNEL })
    expect((res.body as { text: string }).text).toContain('`/sre similar` needs a description or an incident')
  })

  it('/sre trail INC-n shows the stored trail, with its outcome and confidence factors', async () => {
    const { replies, all } = await sre(`trail INC-${incident.number}`)
    expect(replies[0]!.text).toBe(`Reasoning trail of INC-${incident.number} (part 1 of 1)`)
    expect(all).toContain('Have we seen this before?')
    expect(all).toContain('retrieval strength')
    expect(all).toContain('evidence freshness')
    expect(all).toContain('evidence consistency')
    expect(all).toContain('*Outcome* (completed)')
  })

  it('/sre trail answers plainly for an incident that does not exist, and with the usage for nonsense', async () => {
    expect((await sre('trail INC-9999')).replies[0]!.text).toBe('There is no INC-9999.')
    const res = await env.sender.slashCommand({ text: 'trail yesterday', channel_id: CHANNEL })
    expect((res.body as { text: string }).text).toContain('Usage: `/sre trail &lt;INC-n&gt; [part]`')
  })

  it('keeps the existing subcommands working', async () => {
    const res = await env.sender.slashCommand({ text: 'playbooks', channel_id: CHANNEL })
    expect(JSON.stringify(res.body)).toContain('db-connection-test')
  })
})
