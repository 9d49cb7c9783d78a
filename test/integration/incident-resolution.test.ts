import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasErrorCode } from '../../src/core/errors'
import type { Database } from '../../src/storage/database'
import { listLabelledConfidence, recordAnalysisConfidence, startAnalysis } from '../../src/storage/repositories/analyses'
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

  describe('as labels of the calibration', () => {
    // An analysis with a distinctive raw score, so its label can be found among the others.
    async function analysed(raw: number, topMatchId: string | null) {
      const incident = await openIncident()
      const analysis = await startAnalysis(db, incident.id)
      await recordAnalysisConfidence(db, {
        analysisId: analysis.id,
        incidentId: incident.id,
        playbookId: 'db-connection-test',
        diagnosisFeatures: [0.5],
        diagnosisRaw: raw,
        diagnosis: raw,
        topMatchId,
        topMatchPlaybookId: null,
        retrievalFeatures: [raw],
        retrieval: 0.5,
        retrievalMode: 'hybrid',
      })
      return incident
    }
    const answers = (diagnosisLabel: 'right' | 'partly' | 'wrong' | 'not_sure', sameIncidentId: string | null) =>
      ({ resolution: 'fixed', outcome: 'worked', rootCause: null, diagnosisLabel, sameIncidentId, recordedBy: 'U1' }) as const

    it('counts "right" as 1 and "wrong" as 0 with no playbook run to infer from, and leaves "partly" and "not sure" out', async () => {
      const labels = [
        ['right', 0.11],
        ['wrong', 0.12],
        ['partly', 0.13],
        ['not_sure', 0.14],
      ] as const
      for (const [label, raw] of labels) await recordResolution(db, (await analysed(raw, null)).id, answers(label, null))
      const diagnosis = (await listLabelledConfidence(db, 'diagnosis')).filter((d) => d.raw > 0.1 && d.raw < 0.15)
      expect(diagnosis.map((d) => [d.raw, d.label]).sort()).toEqual([
        [0.11, 1],
        [0.12, 0],
      ])
    })

    it('labels retrieval right when the incident the team named as the same was the best match, wrong otherwise', async () => {
      const past = await createPastIncident(db, { title: 'orders-db pool exhausted' })
      await recordResolution(db, (await analysed(0.21, past.id)).id, answers('right', past.id))
      await recordResolution(db, (await analysed(0.22, past.id)).id, answers('right', null))
      const retrieval = (await listLabelledConfidence(db, 'retrieval')).filter((r) => (r.features?.[0] ?? 0) > 0.2 && (r.features?.[0] ?? 0) < 0.25)
      expect(retrieval.map((r) => [r.features?.[0], r.label]).sort()).toEqual([
        [0.21, 1],
        [0.22, 0],
      ])
    })
  })
})
