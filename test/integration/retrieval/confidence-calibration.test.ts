import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/logger'
import type { DatabaseHandle } from '../../../src/storage/database'
import { loadPlaybookFiles } from '../../../src/storage/playbook-files'
import { getLatestCalibration, listLabelledConfidence, recordAnalysisConfidence, startAnalysis } from '../../../src/storage/repositories/analyses'
import { createIncident } from '../../../src/storage/repositories/incidents'
import { createExecution, syncPlaybooks } from '../../../src/storage/repositories/playbooks'
import { fitCalibration } from '../../../src/core/confidence/calibration'
import { diagnosisPriorLogit } from '../../../src/core/confidence/compute-confidence'
import { currentCalibration } from '../../../src/workers/current-calibration'
import { createTestDatabase, type TestDatabase } from '../../support/test-database'

const catalog = loadPlaybookFiles('test/fixtures/playbooks')

/**
 * One analysed incident whose outcome is known: the analysis suggested `suggested`
 * with raw confidence `raw`; the incident was then fixed by `fixedBy` (or a run of the
 * suggestion was rejected by an approver).
 */
async function outcome(
  db: DatabaseHandle['db'],
  o: { suggested: string; raw: number; fixedBy?: string; rejected?: boolean; topMatchPlaybook?: string; features?: number[] },
) {
  const incident = await createIncident(db, {
    fingerprint: `cal:${Math.random()}`,
    source: 'generic',
    severity: 'high',
    title: 'orders-db pool exhausted',
    startedAt: new Date(),
    status: o.fixedBy ? 'resolved' : 'open',
    playbookId: o.fixedBy ?? null,
    resolutionOutcome: o.fixedBy ? 'worked' : null,
  })
  const analysis = await startAnalysis(db, incident.id)
  await recordAnalysisConfidence(db, {
    analysisId: analysis.id,
    incidentId: incident.id,
    playbookId: o.suggested,
    diagnosisFeatures: o.features ?? [0.5],
    diagnosisRaw: o.raw,
    diagnosis: o.raw,
    topMatchId: null,
    topMatchPlaybookId: o.topMatchPlaybook ?? null,
    retrievalFeatures: [0.8, 0.5, 0.2, 1, 0, 0.5],
    retrieval: 0.6,
    retrievalMode: 'hybrid',
  })
  if (o.rejected) {
    await createExecution(db, {
      playbookId: o.suggested,
      playbookVersion: 1,
      definition: catalog.find((p) => p.id === o.suggested)!,
      incidentId: incident.id,
      inputs: { service: 'orders-db', target: 'orders-db', incident: { number: incident.number, title: incident.title }, confidence: o.raw, rationale: '' },
      startedBy: 'system',
      status: 'rejected',
    })
  }
}

describe('confidence calibration refitted from labelled outcomes (Postgres)', () => {
  let t: TestDatabase
  let db: DatabaseHandle['db']
  const deps = () => ({ db, logger: createLogger('silent') })

  beforeAll(async () => {
    t = await createTestDatabase()
    db = t.handle.db
    await syncPlaybooks(db, catalog)
  })
  afterAll(async () => t?.drop())

  it('labels an analysis right when the incident was fixed with its playbook, wrong when fixed otherwise or its action was rejected', async () => {
    await outcome(db, { suggested: 'db-connection-test', raw: 0.9, fixedBy: 'db-connection-test', topMatchPlaybook: 'db-connection-test' })
    await outcome(db, { suggested: 'db-connection-test', raw: 0.8, fixedBy: 'latency-test', topMatchPlaybook: 'db-connection-test' })
    await outcome(db, { suggested: 'latency-test', raw: 0.7, rejected: true })
    await outcome(db, { suggested: 'latency-test', raw: 0.6 })
    const diagnosis = await listLabelledConfidence(db, 'diagnosis')
    expect(diagnosis.map((d) => [d.raw, d.label]).sort()).toEqual(
      [
        [0.7, 0],
        [0.8, 0],
        [0.9, 1],
      ]
        .map(([r, l]) => [expect.closeTo(r!, 5), l])
        .sort(),
    )
    const retrieval = await listLabelledConfidence(db, 'retrieval')
    expect(retrieval.map((r) => r.label).sort()).toEqual([0, 1])
  })

  it('keeps the prior below ten labels, fits Platt scaling from ten, and refits only once five more have accrued', async () => {
    expect((await currentCalibration(deps(), 'diagnosis')).method).toBe('prior')
    expect(await getLatestCalibration(db, 'diagnosis')).toBeNull()
    // An overconfident history: stated 90%, right half the time.
    for (let i = 0; i < 8; i++) await outcome(db, { suggested: 'db-connection-test', raw: 0.9, fixedBy: i % 2 ? 'db-connection-test' : 'latency-test' })
    const fitted = await currentCalibration(deps(), 'diagnosis')
    expect(fitted).toMatchObject({ method: 'platt', samples: 11 })
    const logit = Math.log(0.9 / 0.1)
    expect(1 / (1 + Math.exp(-(fitted.platt.a * logit + fitted.platt.b)))).toBeLessThan(0.8)
    const stored = await getLatestCalibration(db, 'diagnosis')
    expect(stored).toMatchObject({ kind: 'diagnosis', method: 'platt', samples: 11 })
    expect(stored!.brier).not.toBeNull()

    await outcome(db, { suggested: 'db-connection-test', raw: 0.9, fixedBy: 'db-connection-test' })
    expect((await currentCalibration(deps(), 'diagnosis')).samples).toBe(11)
    for (let i = 0; i < 4; i++) await outcome(db, { suggested: 'db-connection-test', raw: 0.9, fixedBy: 'latency-test' })
    expect((await currentCalibration(deps(), 'diagnosis')).samples).toBe(16)
  })

  it("refits from rows stored before the factor list grew (seven factors) beside new ones (nine), re-scoring both with today's prior", async () => {
    const other = await createTestDatabase()
    try {
      await syncPlaybooks(other.handle.db, loadPlaybookFiles('test/fixtures/playbooks'))
      const rows: Array<{ features: number[]; right: boolean }> = []
      for (let i = 0; i < 12; i++) {
        const strong = i % 3 !== 0
        const seven = [strong ? 0.9 : 0.3, strong ? 0.8 : 0.2, strong ? 0.9 : 0.1, 1, 0.6, 0.5, 0.5]
        rows.push({ features: i % 2 ? seven : [...seven, strong ? 1 : 0.3, strong ? 0.9 : 0.2], right: strong ? i % 4 !== 1 : i % 6 === 0 })
      }
      // The stored raw probabilities are deliberately wrong: the refit must use the features.
      for (const r of rows)
        await outcome(other.handle.db, {
          suggested: 'db-connection-test',
          raw: 0.5,
          fixedBy: r.right ? 'db-connection-test' : 'latency-test',
          features: r.features,
        })
      const fitted = await currentCalibration({ db: other.handle.db, logger: createLogger('silent') }, 'diagnosis')
      const expected = fitCalibration(rows.map((r) => ({ logit: diagnosisPriorLogit(r.features), label: r.right ? 1 : 0 })))
      expect(fitted.method).toBe('platt')
      expect(fitted.platt.a).toBeCloseTo(expected.platt.a, 6)
      expect(fitted.platt.b).toBeCloseTo(expected.platt.b, 6)
    } finally {
      await other.drop()
    }
  })
})
