import { describe, expect, it } from 'vitest'
import { gatherEvidence } from '../../../../src/core/analysis/evidence/gather-evidence'
import type { GatheredEvidence } from '../../../../src/core/analysis/evidence/gathered-evidence'
import { computeConfidence, diagnosisPriorLogit, type ConfidenceInputs } from '../../../../src/core/confidence/compute-confidence'
import { assessEvidenceConsistency, assessEvidenceFreshness } from '../../../../src/core/confidence/evidence-quality'
import type { MetricSeries, TelemetryPort } from '../../../../src/core/telemetry/port'
import { ordersDbExhaustion, ScriptedTelemetry } from '../../../fakes/scripted-telemetry'

const now = new Date('2026-03-10T14:00:00Z')
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000)
const incident = { service: 'orders-api', startedAt: minutesAgo(10), now }

/** The same fleet, whose metric series stop `lagMinutes` before now (an exporter or ingestion stalled). */
function lagging(telemetry: TelemetryPort, lagMinutes: number): TelemetryPort {
  const cutoff = minutesAgo(lagMinutes)
  return {
    name: 'lagging',
    services: () => telemetry.services(),
    metrics: async (q): Promise<MetricSeries> => {
      const series = await telemetry.metrics(q)
      return { ...series, points: series.points.filter((p) => p.at <= cutoff) }
    },
    logs: (q) => telemetry.logs(q),
    errors: (q) => telemetry.errors(q),
    traces: (q) => telemetry.traces(q),
  }
}

/** orders-api slow; orders-db quiet; payments slow, erroring and holding the slow traces. */
const paymentsSlow = () => {
  const since = minutesAgo(15)
  const after = (at: Date) => at >= since
  return new ScriptedTelemetry({
    'orders-api': { dependsOn: ['orders-db', 'payments'], metrics: { latency_p95_ms: (at) => (after(at) ? 2600 : 180) } },
    'orders-db': { metrics: { db_connections_used_ratio: () => 0.4, latency_p95_ms: () => 20 } },
    payments: {
      metrics: { latency_p95_ms: (at) => (after(at) ? 2400 : 90) },
      logs: (w) =>
        Array.from({ length: 8 }, (_, i) => ({
          at: new Date(Math.max(since.getTime(), w.start.getTime()) + i * 30_000),
          service: 'payments',
          severity: 'ERROR' as const,
          message: 'upstream card network timed out',
        })),
    },
  })
}

describe('evidence freshness', () => {
  it('is 1 when every series reaches the present', async () => {
    const gathered = await gatherEvidence(ordersDbExhaustion(minutesAgo(15)), incident)
    const freshness = assessEvidenceFreshness(gathered, { startedAt: incident.startedAt })
    expect(freshness.value).toBe(1)
    expect(freshness.sources.map((s) => s.source)).toEqual(['metrics', 'logs'])
    expect(freshness.explanation).toMatch(/^metrics, logs current/)
  })

  it('drops, and names the source and its lag, when the metrics stopped 35 minutes ago', async () => {
    const gathered = await gatherEvidence(lagging(ordersDbExhaustion(minutesAgo(60)), 35), { ...incident, startedAt: minutesAgo(50) })
    const freshness = assessEvidenceFreshness(gathered, { startedAt: minutesAgo(50) })
    const metrics = freshness.sources.find((s) => s.source === 'metrics')!
    expect(metrics.lagMs).toBe(35 * 60_000)
    expect(metrics.value).toBeCloseTo(0.25, 5)
    expect(freshness.value).toBeLessThan(1)
    expect(freshness.explanation).toBe('stale telemetry: metrics 35 min behind')
  })

  it('does not count a quiet event source as stale, but does one whose newest event predates the incident', () => {
    const base: Omit<GatheredEvidence, 'logs'> = {
      items: [],
      metrics: [],
      errors: [],
      traces: [],
      services: ['a'],
      dependencyLookupFailure: null,
      sourcesAnswered: [],
      sourcesMissing: [],
      sourcesPartial: [],
      alertPolicy: null,
      ownWarnings: null,
      deploys: [],
      window: { start: minutesAgo(130), end: now },
    }
    const quiet = assessEvidenceFreshness({ ...base, logs: [] }, { startedAt: minutesAgo(120) })
    expect(quiet).toMatchObject({ value: null, explanation: 'no timestamped telemetry to judge how current it is' })
    const old = assessEvidenceFreshness(
      { ...base, logs: [{ at: minutesAgo(125), service: 'a', severity: 'ERROR', message: 'x' }] },
      { startedAt: minutesAgo(120) },
    )
    expect(old.value).toBe(1)
    const older = assessEvidenceFreshness(
      { ...base, logs: [{ at: minutesAgo(180), service: 'a', severity: 'ERROR', message: 'x' }] },
      { startedAt: minutesAgo(120) },
    )
    expect(older.value).toBeLessThan(0.1)
  })

  it('has no opinion without telemetry', () => {
    expect(assessEvidenceFreshness(null, { startedAt: now })).toEqual({ value: null, sources: [], explanation: 'no telemetry was examined' })
  })
})

describe('evidence consistency', () => {
  it('is 1 when metrics and logs point at the hypothesis target', async () => {
    const gathered = await gatherEvidence(ordersDbExhaustion(minutesAgo(15)), incident)
    const consistency = assessEvidenceConsistency(gathered, { service: 'orders-api', hypothesisTarget: 'orders-db', probableCause: 'orders-db' })
    expect(consistency.value).toBe(1)
    expect(consistency.verdicts.map((v) => [v.signal, v.verdict])).toEqual([
      ['metrics', 'agrees'],
      ['logs', 'agrees'],
      ['service graph', 'agrees'],
    ])
    expect(consistency.explanation).toBe('metrics, logs, service graph all point at orders-db')
  })

  it('drops, naming the contradiction, when the sources point at another dependency than the hypothesis', async () => {
    const gathered = await gatherEvidence(paymentsSlow(), incident)
    const consistency = assessEvidenceConsistency(gathered, { service: 'orders-api', hypothesisTarget: 'orders-db', probableCause: 'payments' })
    expect(consistency.value).toBe(0)
    expect(consistency.explanation).toBe(
      'sources disagree: nothing points at orders-db; metrics at orders-api, payments; logs at payments; service graph at payments',
    )
  })

  it('takes signals on the alerting service alone as symptoms of a cause in a dependency, not as contradictions', async () => {
    const gathered = await gatherEvidence(paymentsSlow(), incident)
    gathered.metrics = gathered.metrics.filter((m) => m.service !== 'payments')
    gathered.logs = []
    const consistency = assessEvidenceConsistency(gathered, { service: 'orders-api', hypothesisTarget: 'payments', probableCause: null })
    expect(consistency.verdicts).toEqual([{ signal: 'metrics', implicates: ['orders-api'], verdict: 'symptom' }])
    expect(consistency.value).toBeNull()
  })

  it('without an explanation, measures whether the sources point at one place', async () => {
    const gathered = await gatherEvidence(paymentsSlow(), incident)
    const consistency = assessEvidenceConsistency(gathered, { service: 'orders-api', hypothesisTarget: null, probableCause: null })
    expect(consistency.reference).toBe('payments')
    expect(consistency.value).toBe(1)
  })
})

describe('the confidence factors of evidence quality', () => {
  const inputs: ConfidenceInputs = {
    topSimilarity: 0.8,
    historyAgreement: 0.8,
    evidenceSupport: 0.8,
    sourcesAnswered: 4,
    sourcesAsked: 4,
    pastOutcomes: { worked: 2, failed: 0 },
    retrievalMargin: 0.5,
    signalAgreement: 0.5,
  }

  it('lowers the confidence for stale or contradicting telemetry, and raises it for agreeing sources', () => {
    const base = computeConfidence(inputs)
    const fresh = computeConfidence({
      ...inputs,
      evidenceFreshness: { value: 1, explanation: 'current' },
      evidenceConsistency: { value: 0.5, explanation: 'mixed' },
    })
    expect(fresh.score).toBeCloseTo(base.score, 10)
    expect(computeConfidence({ ...inputs, evidenceFreshness: { value: 0.2, explanation: 'stale' } }).score).toBeLessThan(base.score)
    expect(computeConfidence({ ...inputs, evidenceConsistency: { value: 0, explanation: 'disagree' } }).score).toBeLessThan(base.score)
    expect(computeConfidence({ ...inputs, evidenceConsistency: { value: 1, explanation: 'agree' } }).score).toBeGreaterThan(base.score)
  })

  it('shows each factor with its explanation, an unknown one as neutral', () => {
    const { factors } = computeConfidence({
      ...inputs,
      evidenceFreshness: { value: 0.4, explanation: 'stale telemetry: metrics 20 min behind' },
      evidenceConsistency: { value: null, explanation: 'no source points at any service' },
    })
    expect(factors.slice(-2)).toEqual([
      { name: 'evidence_freshness', value: 0.4, weight: 1, explanation: 'stale telemetry: metrics 20 min behind' },
      { name: 'evidence_consistency', value: 0.5, weight: 1, explanation: 'no source points at any service (counted as neutral)' },
    ])
  })

  it('stores features in a fixed order, and re-scores a row stored before the factor list grew as if the new factors were neutral', () => {
    const withQuality = computeConfidence({
      ...inputs,
      evidenceFreshness: { value: 0.3, explanation: 'stale' },
      evidenceConsistency: { value: 0.9, explanation: 'agree' },
    })
    expect(withQuality.features).toHaveLength(9)
    expect(diagnosisPriorLogit(withQuality.features)).toBeCloseTo(withQuality.logit, 10)
    const before = computeConfidence(inputs)
    // What the analysis stored before freshness and consistency existed: the seven shown factor values.
    const storedThen = before.factors.map((f) => f.value)
    expect(storedThen).toHaveLength(7)
    expect(diagnosisPriorLogit(storedThen)).toBeCloseTo(before.logit, 10)
  })
})
