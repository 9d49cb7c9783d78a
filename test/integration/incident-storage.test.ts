import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedAlert } from '../../src/core/incidents/types'
import { HashingEmbedder } from '../../src/core/correlation/hashing-embedder'
import type { Database } from '../../src/storage/database'
import { castApprovalVote, createApprovalRequest, getApprovalRequest, type VoteOutcome } from '../../src/storage/repositories/approvals'
import { auditWrite, listAuditForIncident } from '../../src/storage/repositories/audit'
import { getIncident, openIncidentOnce } from '../../src/storage/repositories/incidents'
import { writeTogether } from '../../src/storage/write-together'
import { recordAlert, recordAlerts } from '../../src/storage/repositories/incident-alerts'
import { findSimilarIncidents } from '../../src/storage/repositories/similar-incidents-search'
import { alertBodies, alerts } from '../../src/storage/schema'
import { createPastIncident } from '../support/seed-incidents'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

function alert(overrides: Partial<NormalizedAlert> = {}): NormalizedAlert {
  return {
    source: 'generic',
    fingerprint: `fp-${Math.random().toString(36).slice(2)}`,
    status: 'firing',
    title: 'orders-api 5xx above 5%',
    summary: '',
    service: 'orders-api',
    resourceType: null,
    policyName: null,
    severity: 'critical',
    startedAt: new Date(),
    endedAt: null,
    labels: {},
    url: null,
    links: [],
    ...overrides,
  }
}

describe('incident storage on Postgres', () => {
  let t: TestDatabase
  let db: Database
  beforeAll(async () => {
    t = await createTestDatabase()
    db = t.handle.db
  })
  afterAll(async () => t.drop())

  describe('recordAlert', () => {
    it('opens one incident for concurrent copies of the same alert and counts them all', async () => {
      const a = alert()
      const results = await Promise.all(Array.from({ length: 10 }, () => recordAlert(db, a, { raw: true })))
      expect(results.filter((r) => r.outcome === 'opened')).toHaveLength(1)
      expect(new Set(results.map((r) => r.incident?.id)).size).toBe(1)
      expect((await getIncident(db, results[0]!.incident!.id))?.alertCount).toBe(10)
    })

    it('resolves the open incident, and the next firing opens a new one', async () => {
      const a = alert()
      const opened = await recordAlert(db, a, {})
      const resolved = await recordAlert(db, { ...a, status: 'resolved', endedAt: new Date() }, {})
      expect(resolved).toMatchObject({ outcome: 'resolved', incident: { id: opened.incident!.id, status: 'resolved' } })
      const again = await recordAlert(db, a, {})
      expect(again.outcome).toBe('opened')
      expect(again.incident!.id).not.toBe(opened.incident!.id)
    })

    it('spends no incident number on repeats: the next new alert takes the next number', async () => {
      const first = await recordAlert(db, alert(), {})
      const repeated = alert()
      const opened = await recordAlert(db, repeated, {})
      for (let i = 0; i < 3; i++) await recordAlert(db, repeated, {})
      await Promise.all(Array.from({ length: 5 }, () => recordAlert(db, repeated, {})))
      const next = await recordAlert(db, alert(), {})
      expect(opened.incident!.number).toBe(first.incident!.number + 1)
      expect(next.incident!.number).toBe(opened.incident!.number + 1)
    })

    it('gives concurrent first copies of a new alert one incident and one number', async () => {
      const before = await recordAlert(db, alert(), {})
      const results = await Promise.all(Array.from({ length: 8 }, () => recordAlert(db, alert({ fingerprint: 'fp-concurrent-first' }), {})))
      const after = await recordAlert(db, alert(), {})
      expect(results.filter((r) => r.outcome === 'opened')).toHaveLength(1)
      expect(new Set(results.map((r) => r.incident!.number))).toEqual(new Set([before.incident!.number + 1]))
      expect(after.incident!.number).toBe(before.incident!.number + 2)
    })

    it('stores a batch body once, referenced by every alert of the batch', async () => {
      const batch = Array.from({ length: 50 }, () => alert())
      const results = await recordAlerts(db, batch, { alerts: batch.map((a) => a.fingerprint) })
      expect(results.map((r) => r.outcome)).toEqual(batch.map(() => 'opened'))
      const rows = await db
        .select()
        .from(alerts)
        .where(
          inArray(
            alerts.fingerprint,
            batch.map((a) => a.fingerprint),
          ),
        )
      expect(rows).toHaveLength(50)
      expect(new Set(rows.map((r) => r.bodyId)).size).toBe(1)
      const [body] = await db.select().from(alertBodies).where(eq(alertBodies.id, rows[0]!.bodyId))
      expect(body!.body).toEqual({ alerts: batch.map((a) => a.fingerprint) })
    })

    it('applies a batch that repeats a fingerprint in order: open, repeat, resolve, open again', async () => {
      const a = alert()
      const other = alert()
      const results = await recordAlerts(db, [a, other, a, { ...a, status: 'resolved', endedAt: new Date() }, a], {})
      expect(results.map((r) => r.outcome)).toEqual(['opened', 'opened', 'updated', 'resolved', 'opened'])
      expect(results[2]!.incident).toMatchObject({ id: results[0]!.incident!.id, alertCount: 2 })
      expect(results[3]!.incident).toMatchObject({ id: results[0]!.incident!.id, status: 'resolved' })
      expect(results[4]!.incident!.id).not.toBe(results[0]!.incident!.id)
      expect(results[4]!.incident!.number).toBe(results[1]!.incident!.number + 1)
    })

    it('keeps a resolve that matches nothing as an orphan alert', async () => {
      expect((await recordAlert(db, alert({ status: 'resolved' }), {})).outcome).toBe('orphan')
    })
  })

  describe('findSimilarIncidents', () => {
    it('ranks by cosine similarity and never returns incidents from after the query time', async () => {
      const now = Date.now()
      const close = await createPastIncident(db, {
        title: 'checkout-db connection pool exhausted',
        service: 'checkout-db',
        startedAt: new Date(now - 86_400_000),
      })
      const far = await createPastIncident(db, { title: 'frontend TLS certificate expiring', service: 'frontend', startedAt: new Date(now - 86_400_000) })
      const future = await createPastIncident(db, {
        title: 'checkout-db connection pool exhausted again',
        service: 'checkout-db',
        startedAt: new Date(now + 3_600_000),
      })
      const [query] = await new HashingEmbedder().embed(['checkout-db\ncheckout-db connection pool exhausted'])
      const found = await findSimilarIncidents(db, query!, { before: new Date(now), limit: 50 })
      const ids = found.map((f) => f.incident.id)
      expect(ids.indexOf(close.id)).toBeLessThan(ids.indexOf(far.id))
      expect(ids).not.toContain(future.id)
      expect(found[0]!.similarity).toBeGreaterThan(0.9)
    })
  })

  describe('castApprovalVote', () => {
    async function request(overrides: { minApprovals?: number; requestedBy?: string; expiresInMs?: number } = {}) {
      const { incident } = await recordAlert(db, alert(), {})
      return createApprovalRequest(db, {
        incidentId: incident!.id,
        action: { stepId: 's', title: 't', preview: 'p', risk: 'low', method: 'POST', url: 'http://x', body: {} },
        rationale: 'r',
        requestedBy: overrides.requestedBy ?? 'system',
        minApprovals: overrides.minApprovals ?? 1,
        expiresAt: new Date(Date.now() + (overrides.expiresInMs ?? 60_000)),
      })
    }
    const vote = (approvalId: string, userId: string, decision: 'approved' | 'rejected' = 'approved') =>
      castApprovalVote(db, { approvalId, decision, userId, now: new Date() })
    const kinds = (outcomes: Array<VoteOutcome | null>) => outcomes.map((o) => o?.kind).sort()

    it('decides a request once however many clicks race, with one audit entry', async () => {
      const r = await request()
      const outcomes = await Promise.all(['U1', 'U2', 'U1', 'U3'].map((u) => vote(r.id, u)))
      expect(outcomes.filter((o) => o?.kind === 'approved')).toHaveLength(1)
      const audit = await listAuditForIncident(db, r.incidentId)
      expect(audit.filter((a) => a.action === 'approval.approved')).toHaveLength(1)
      expect((await getApprovalRequest(db, r.id))?.decidedBy).toBe(outcomes.find((o) => o?.kind === 'approved')!.request.decidedBy)
    })

    it('needs two distinct approvers when two are required; a double click counts once', async () => {
      const r = await request({ minApprovals: 2 })
      expect(kinds(await Promise.all([vote(r.id, 'U1'), vote(r.id, 'U1')]))).toEqual(['already_voted', 'recorded'])
      expect((await getApprovalRequest(db, r.id))?.status).toBe('pending')
      const second = await vote(r.id, 'U2')
      expect(second).toMatchObject({ kind: 'approved', approvedBy: ['U1', 'U2'] })
      const audit = (await listAuditForIncident(db, r.incidentId)).map((a) => a.action)
      expect(audit).toEqual(['approval.vote', 'approval.approved'])
    })

    it('does not let the requester approve their own request', async () => {
      const r = await request({ requestedBy: 'U1' })
      expect((await vote(r.id, 'U1'))?.kind).toBe('own_request')
      expect((await vote(r.id, 'U2'))?.kind).toBe('approved')
    })

    it('lets one reject decide', async () => {
      const r = await request({ minApprovals: 2 })
      await vote(r.id, 'U1')
      expect((await vote(r.id, 'U2', 'rejected'))?.kind).toBe('rejected')
      expect((await vote(r.id, 'U3'))?.kind).toBe('closed')
    })

    it('does not accept a vote after expiry', async () => {
      const r = await request({ expiresInMs: -1000 })
      expect((await vote(r.id, 'U1'))?.kind).toBe('closed')
    })
  })

  describe('openIncidentOnce with its audit entry', () => {
    it('writes the opening once: concurrent and repeated calls return the same incident and one entry', async () => {
      const values = { fingerprint: `slack:${Math.random()}`, source: 'slack', title: 'checkout slow', severity: 'high' as const, startedAt: new Date() }
      const opened = { actor: 'U1', action: 'incident.opened', details: { via: '/sre analyze' }, slackChannel: 'C1' }
      const first = await Promise.all(
        Array.from({ length: 4 }, () =>
          openIncidentOnce(db, values, opened)
            .then((o) => o.incident)
            .catch(() => null),
        ),
      )
      const { incident: again, embeddingModel } = await openIncidentOnce(db, values, opened)
      expect(embeddingModel).toBeNull()
      const ids = new Set([...first.filter((i) => i !== null).map((i) => i.id), again.id])
      expect(ids.size).toBe(1)
      const audit = await listAuditForIncident(db, again.id)
      expect(audit.map((a) => [a.action, a.actor, a.subjectId, a.slackChannel])).toEqual([['incident.opened', 'U1', again.id, 'C1']])
    })
  })

  describe('writeTogether', () => {
    it('writes all or nothing in one statement', async () => {
      const { incident } = await openIncidentOnce(db, {
        fingerprint: `fp-${Math.random()}`,
        source: 'generic',
        title: 't',
        severity: 'info',
        startedAt: new Date(),
      })
      const entry = { actor: 'system', action: 'x.done', incidentId: incident.id, subjectType: 'incident', subjectId: incident.id }
      await expect(
        // The second write is refused (a row the table cannot take): the first is not kept either.
        writeTogether(db, [auditWrite(db, entry), db.insert(alerts).values({ incidentId: '00000000-0000-0000-0000-000000000000' } as never)]),
      ).rejects.toThrow()
      expect(await listAuditForIncident(db, incident.id)).toEqual([])
      await writeTogether(db, [auditWrite(db, entry), false, auditWrite(db, { ...entry, action: 'y.done' })])
      expect((await listAuditForIncident(db, incident.id)).map((a) => a.action).sort()).toEqual(['x.done', 'y.done'])
    })
  })
})
