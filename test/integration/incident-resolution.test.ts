import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasErrorCode } from '../../src/core/errors'
import type { Database } from '../../src/storage/database'
import { listAuditForIncident } from '../../src/storage/repositories/audit'
import { recordResolution } from '../../src/storage/repositories/incident-resolutions'
import { createIncident, getIncident } from '../../src/storage/repositories/incidents'
import { createPastIncident } from '../support/seed-incidents'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

describe('recording how an incident was resolved', () => {
  let t: TestDatabase
  let db: Database
  beforeAll(async () => {
    t = await createTestDatabase()
    db = t.handle.db
  })
  afterAll(async () => t.drop())

  async function openIncident() {
    return createIncident(db, {
      fingerprint: `fp-${Math.random().toString(36).slice(2)}`,
      source: 'generic',
      title: 'payment-api latency above 2s',
      severity: 'critical',
      startedAt: new Date('2026-12-06T05:00:00Z'),
    })
  }

  it('stores the answers, resolves the open incident and audits it in one go', async () => {
    const incident = await openIncident()
    const past = await createPastIncident(db, { title: 'payment-api latency (fraud-check slow)' })
    const at = new Date('2026-12-06T06:00:00Z')
    await recordResolution(
      db,
      incident.id,
      {
        resolution: 'circuit breaker + fallback scoring',
        outcome: 'partly',
        rootCause: 'fraud-check slow',
        diagnosisLabel: 'right',
        sameIncidentId: past.id,
        recordedBy: 'U1',
      },
      at,
    )
    expect(await getIncident(db, incident.id)).toMatchObject({
      status: 'resolved',
      resolvedAt: at,
      resolution: 'circuit breaker + fallback scoring',
      resolutionOutcome: 'partly',
      rootCause: 'fraud-check slow',
      diagnosisLabel: 'right',
      sameIncidentId: past.id,
      resolutionRecordedBy: 'U1',
      resolutionRecordedAt: at,
    })
    const audit = (await listAuditForIncident(db, incident.id)).filter((e) => e.action === 'incident.resolution_recorded')
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor: 'U1', details: { outcome: 'partly', diagnosisLabel: 'right', wasOpen: true } })
  })

  it('overwrites on a second recording, keeps the first resolution time, and audits again', async () => {
    const incident = await openIncident()
    const answers = {
      resolution: 'restarted pods',
      outcome: 'failed',
      rootCause: null,
      diagnosisLabel: 'wrong',
      sameIncidentId: null,
      recordedBy: 'U1',
    } as const
    await recordResolution(db, incident.id, answers, new Date('2026-12-06T06:00:00Z'))
    await recordResolution(
      db,
      incident.id,
      { ...answers, resolution: 'rolled back deploy 42', outcome: 'worked', recordedBy: 'U2' },
      new Date('2026-12-06T07:00:00Z'),
    )
    expect(await getIncident(db, incident.id)).toMatchObject({
      resolvedAt: new Date('2026-12-06T06:00:00Z'),
      resolution: 'rolled back deploy 42',
      resolutionOutcome: 'worked',
      resolutionRecordedBy: 'U2',
    })
    const audit = (await listAuditForIncident(db, incident.id)).filter((e) => e.action === 'incident.resolution_recorded')
    expect(audit.map((e) => [e.actor, e.details.wasOpen])).toEqual([
      ['U1', true],
      ['U2', false],
    ])
  })

  it('rejects invalid answers and writes nothing', async () => {
    const incident = await openIncident()
    const bad = { resolution: '  ', outcome: 'worked', rootCause: null, diagnosisLabel: 'right', sameIncidentId: null, recordedBy: 'U1' } as const
    await expect(recordResolution(db, incident.id, bad)).rejects.toThrow()
    const self = { ...bad, resolution: 'x', sameIncidentId: incident.id }
    const err = await recordResolution(db, incident.id, self).catch((e: unknown) => e)
    expect(hasErrorCode(err, 'resolution_invalid')).toBe(true)
    expect(await getIncident(db, incident.id)).toMatchObject({ status: 'open', resolution: null, diagnosisLabel: null })
    expect(await listAuditForIncident(db, incident.id)).toEqual([])
  })
})
