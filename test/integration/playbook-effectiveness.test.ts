import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { computePlaybookEffectiveness } from '../../src/core/playbooks/playbook-effectiveness'
import { playbookSchema, type Playbook } from '../../src/core/playbooks/schema'
import { createApprovalRequest } from '../../src/storage/repositories/approvals'
import type { Incident } from '../../src/storage/repositories/incidents'
import { recordIncidentEvent } from '../../src/storage/repositories/incident-events'
import { loadHandRunLogQueries, loadPlaybookHistory } from '../../src/storage/repositories/playbook-effectiveness'
import { createExecution, recordExecutionStep, syncPlaybooks } from '../../src/storage/repositories/playbooks'
import { createPastIncident } from '../support/seed-incidents'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

function playbook(id: string): Playbook {
  return playbookSchema.parse({
    id,
    title: `${id} title`,
    version: 3,
    description: id,
    match: { keywords: ['pool'] },
    steps: [
      {
        id: 'pool',
        kind: 'query',
        title: 'pool',
        source: 'metrics',
        metric: 'cpu_utilization',
        assert: { stat: 'max', op: '>', value: 90, description: 'hot' },
      },
      { id: 'approve', kind: 'approval', title: 'approve', for: 'restart' },
      { id: 'restart', kind: 'action', title: 'restart', risk: 'low', preview: 'restart', action: { type: 'webhook', url: 'https://x/restart' } },
    ],
  })
}

describe('loadPlaybookHistory on Postgres', () => {
  let database: TestDatabase
  const pool = playbook('pool-restart')
  const other = playbook('other-fix')
  const t0 = new Date('2026-11-02T10:00:00Z')
  const at = (s: number) => new Date(t0.getTime() + s * 1000)
  let acted: Incident
  let fixedOtherwise: Incident
  let without: Incident

  beforeAll(async () => {
    database = await createTestDatabase()
    const db = database.handle.db
    await syncPlaybooks(db, [pool, other])
    const resolved = { service: 'checkout-db', resolvedAt: at(3600), resolutionRecordedAt: at(3700), resolutionOutcome: 'worked' as const }
    acted = await createPastIncident(db, { title: 'pool exhausted', startedAt: t0, ttmSeconds: 600, ...resolved })
    fixedOtherwise = await createPastIncident(db, { title: 'pool exhausted again', startedAt: at(10), ttmSeconds: 1200, playbookId: 'other-fix', ...resolved })
    without = await createPastIncident(db, { title: 'pool exhausted, by hand', startedAt: at(20), ttmSeconds: 2400, ...resolved })
    await createPastIncident(db, { title: 'disk full elsewhere', startedAt: at(30), ttmSeconds: 60, ...resolved, service: 'search' })
    const inputs = (incident: Incident) => ({
      service: 'checkout-db',
      target: 'checkout-db',
      incident: { number: incident.number, title: incident.title },
      confidence: 0.8,
      rationale: 'r',
    })

    const run = await createExecution(db, {
      playbookId: pool.id,
      playbookVersion: 3,
      definition: pool,
      incidentId: acted.id,
      inputs: inputs(acted),
      startedBy: 'U1',
      status: 'completed',
      createdAt: t0,
    })
    await recordExecutionStep(db, {
      executionId: run.id,
      position: 0,
      stepId: 'pool',
      kind: 'query',
      status: 'succeeded',
      outcome: { passed: true, value: 97 },
      startedAt: at(5),
      finishedAt: at(5),
    })
    await recordExecutionStep(db, {
      executionId: run.id,
      position: 1,
      stepId: 'approve',
      kind: 'approval',
      status: 'succeeded',
      outcome: { decision: 'approved', by: 'U2' },
      startedAt: at(5),
      finishedAt: at(95),
    })
    await recordExecutionStep(db, {
      executionId: run.id,
      position: 2,
      stepId: 'restart',
      kind: 'action',
      status: 'succeeded',
      outcome: { detail: 'ok' },
      startedAt: at(95),
      finishedAt: at(100),
    })
    await createApprovalRequest(db, {
      incidentId: acted.id,
      executionId: run.id,
      stepPosition: 1,
      action: { stepId: 'restart', title: 'restart', preview: 'restart', risk: 'low', method: 'POST', url: 'https://x/restart', body: {}, dryRun: 'ok' },
      rationale: 'r',
      requestedBy: 'U1',
      status: 'approved',
      decidedBy: 'U2',
      decidedAt: at(95),
      createdAt: at(5),
      expiresAt: at(1800),
    })
    const second = await createExecution(db, {
      playbookId: pool.id,
      playbookVersion: 3,
      definition: pool,
      incidentId: fixedOtherwise.id,
      inputs: inputs(fixedOtherwise),
      startedBy: 'U1',
      status: 'cancelled',
      createdAt: at(10),
    })
    await recordExecutionStep(db, {
      executionId: second.id,
      position: 0,
      stepId: 'pool',
      kind: 'query',
      status: 'succeeded',
      outcome: { passed: true, value: 93 },
      finishedAt: at(15),
    })
    // Another playbook's run: not read when asking about pool-restart.
    await createExecution(db, {
      playbookId: other.id,
      playbookVersion: 3,
      definition: other,
      incidentId: fixedOtherwise.id,
      inputs: inputs(fixedOtherwise),
      startedBy: 'U1',
    })
  })

  afterAll(async () => {
    await database?.drop()
  })

  it("reads one playbook's runs with their steps, approvals, fixes and the incidents to compare with", async () => {
    const history = await loadPlaybookHistory(database.handle.db, { playbookId: pool.id })
    expect(history.playbooks.map((p) => [p.id, p.version])).toEqual([[pool.id, 3]])
    expect(history.runs.map((r) => [r.incident.number, r.status, r.steps.length, r.approvals.length])).toEqual([
      [acted.number, 'completed', 3, 1],
      [fixedOtherwise.number, 'cancelled', 1, 0],
    ])
    // Not recorded on the incident: the playbook whose action succeeded on it. Recorded: that one.
    expect(history.runs.map((r) => r.incident.fixedByPlaybookId)).toEqual([pool.id, 'other-fix'])
    const comparables = new Map(history.comparables.map((c) => [c.id, c.playbookIds.toSorted()]))
    expect(comparables.get(without.id)).toEqual([])
    expect(comparables.get(fixedOtherwise.id)).toEqual(['other-fix', 'pool-restart'])
    expect(history.comparables.every((c) => c.service === 'checkout-db')).toBe(true)

    const [figures] = computePlaybookEffectiveness(history)
    expect(figures!.all.outcomes).toEqual({ worked: 1, partly: 0, failed: 0, other_fix: 1, not_recorded: 0 })
    expect(figures!.all.approvals.medianLatencySeconds).toBe(90)
    expect(figures!.all.mitigation.withPlaybook).toEqual({ medianSeconds: 900, n: 2 })
    // Only the incident handled by hand is of the same service without this playbook: too few to compare.
    expect(figures!.all.mitigation.without.n).toBe(0)
    expect(figures!.all.mitigation.wording).toContain('too few incidents without it to compare (1 of the same service')
    const steps = figures!.versions[0]!.steps
    expect(steps.map((s) => [s.stepId, s.ran, s.decisive])).toEqual([
      ['pool', 2, 1],
      ['approve', 1, 0],
      ['restart', 1, 0],
    ])
  })

  it('reads the log queries pinned in the incidents a playbook version ran on, and only those', async () => {
    const db = database.handle.db
    const link = (lql: string) => `<https://console.cloud.google.com/logs/query;query=${encodeURIComponent(lql)}?project=p|logs>`
    const pin = (incidentId: string, key: string, text: string) =>
      recordIncidentEvent(db, { incidentId, occurredAt: at(50), kind: 'pinned_message', actor: 'U2', text, link: null, details: {}, dedupeKey: key })
    await pin(acted.id, 'c:1', `pool errors ${link('severity>=ERROR\n"remaining connection slots"')}`)
    await pin(fixedOtherwise.id, 'c:2', link('"remaining connection slots"'))
    await pin(without.id, 'c:3', link('"not a run of the playbook"'))
    const history = await loadPlaybookHistory(db, { playbookId: pool.id })
    const queries = await loadHandRunLogQueries(db, history, pool.id, 3)
    expect(queries.toSorted((a, b) => a.incidentId.localeCompare(b.incidentId))).toEqual(
      [
        { incidentId: acted.id, contains: 'remaining connection slots', minSeverity: 'ERROR' },
        { incidentId: fixedOtherwise.id, contains: 'remaining connection slots' },
      ].toSorted((a, b) => a.incidentId.localeCompare(b.incidentId)),
    )
    expect(await loadHandRunLogQueries(db, history, pool.id, 2)).toEqual([])
  })

  it('reads every playbook at once', async () => {
    const history = await loadPlaybookHistory(database.handle.db)
    expect(history.runs.map((r) => r.playbookId).toSorted()).toEqual(['other-fix', 'pool-restart', 'pool-restart'])
    expect(
      computePlaybookEffectiveness(history)
        .map((f) => f.playbookId)
        .toSorted(),
    ).toEqual(['other-fix', 'pool-restart'])
  })

  it('`sre-agent playbooks stats` prints them, as text and as JSON', async () => {
    const playbooksCommand = (await import('../../src/commands/playbooks')).default
    const cli = async (...args: string[]) => {
      const written: string[] = []
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0)
      try {
        const code = await playbooksCommand.run(['stats', ...args])
        return { code, stdout: written.join('') }
      } finally {
        spy.mockRestore()
      }
    }
    process.env.DATABASE_URL = database.url
    const text = await cli('--playbook', pool.id)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('pool-restart title (pool-restart, v3): needs 3 more runs with a recorded outcome to be ranked (has 2)')
    expect(text.stdout).toContain('pool (query): ran 2, failed 0, skipped 0, found 2, decisive 1, median 5 s')
    const json = JSON.parse((await cli('--json')).stdout) as { playbooks: Array<{ playbookId: string; all: { runs: number } }> }
    expect(json.playbooks.map((p) => [p.playbookId, p.all.runs]).toSorted()).toEqual([
      ['other-fix', 1],
      ['pool-restart', 2],
    ])
  })
})
