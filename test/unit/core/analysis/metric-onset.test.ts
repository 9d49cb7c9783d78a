import { describe, expect, it } from 'vitest'
import { analyzeIncident } from '../../../../src/core/analysis/analyze-incident'
import { gatherEvidence } from '../../../../src/core/analysis/evidence/gather-evidence'
import { SyntheticTelemetry } from '../../../../src/integrations/telemetry/synthetic'
import { ordersDbExhaustion, ScriptedTelemetry } from '../../../fakes/scripted-telemetry'
import { telemetryOnlyAnalysisPorts } from '../../../support/analysis-ports'

const now = new Date('2026-03-10T14:00:00Z')
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000)

describe('the live analysis dates each anomalous metric', () => {
  it('names when each metric became anomalous, with the detector score, in the finding and its evidence', async () => {
    const evidence = await gatherEvidence(ordersDbExhaustion(minutesAgo(15)), { service: 'orders-api', startedAt: minutesAgo(10), now })
    const latency = evidence.metrics.find((m) => m.service === 'orders-api' && m.metric === 'latency_p95_ms')!
    expect(latency).toMatchObject({ anomalous: true, anomalousSince: minutesAgo(15), anomalyScore: 1 })
    const item = evidence.items.find((i) => i.title === 'orders-api latency_p95_ms')!
    expect(item.detail).toBe('2.60 s now vs 180 ms in the hour before (14.4×); anomalous since 13:45 UTC, score 1.00')
    expect(item.data.anomalousSince).toBe('2026-03-10T13:45:00.000Z')
    const pool = evidence.metrics.find((m) => m.service === 'orders-db' && m.metric === 'db_connections_used_ratio')!
    expect(pool.anomalousSince).toEqual(minutesAgo(15))
    expect(pool.baseline).toBeCloseTo(0.35, 9)
  })

  it('leaves a flat metric undated and not anomalous', async () => {
    const evidence = await gatherEvidence(ordersDbExhaustion(minutesAgo(15)), { service: 'web-api', startedAt: minutesAgo(10), now })
    const telemetry = new ScriptedTelemetry({ calm: { metrics: { latency_p95_ms: () => 120, error_rate: () => 0.001 } } })
    const calm = await gatherEvidence(telemetry, { service: 'calm', startedAt: minutesAgo(10), now })
    expect(calm.metrics.map((m) => [m.metric, m.anomalous, m.anomalousSince, m.anomalyScore])).toEqual([
      ['latency_p95_ms', false, null, 0],
      ['error_rate', false, null, 0],
    ])
    // One query per watched metric carries the window, the baseline hour and the detector's warm-up (it was two); then 3 log queries, errors, traces.
    expect(telemetry.calls).toBe(8 + 5)
    expect(evidence.metrics.find((m) => m.service === 'quotes')).toMatchObject({ anomalous: true, anomalousSince: minutesAgo(15) })
  })

  it('flags a rise the detector dates although it is under 1.5× its baseline', async () => {
    // 20 % slower from 13:50 on a quiet series: below the ratio rule, far outside the noise.
    const telemetry = new ScriptedTelemetry({
      api: { metrics: { latency_p95_ms: (at) => (at >= minutesAgo(10) ? 156 : 120 + ((at.getTime() / 60_000) % 3)) } },
    })
    const evidence = await gatherEvidence(telemetry, { service: 'api', startedAt: minutesAgo(10), now })
    expect(evidence.metrics[0]).toMatchObject({ anomalous: true, anomalousSince: minutesAgo(10) })
    expect(evidence.metrics[0]!.ratio).toBeLessThan(1.5)
  })

  it('says in step 2 of the analysis when the first metrics became anomalous, earliest first', async () => {
    const start = minutesAgo(12)
    const telemetry = new SyntheticTelemetry({ seed: 7, injections: [{ kind: 'connection-pool-exhaustion', service: 'checkout-db', start }] })
    const result = await analyzeIncident(
      {
        id: '00000000-0000-4000-8000-000000000001',
        title: 'checkout-api p95 latency above 2 s',
        summary: 'checkout slow',
        service: 'checkout-api',
        resourceType: 'k8s_container',
        policyName: null,
        startedAt: minutesAgo(9),
      },
      telemetryOnlyAnalysisPorts(telemetry, now),
      { confidenceThreshold: 0.5 },
    )
    const step = result.steps.find((s) => s.question === 'What do the metrics show?')!
    expect(step.decision).toMatch(/^checkout-(api|db) \w+ anomalous since 13:4[89] UTC, score 1\.00 \(\d+\.\d× baseline\)/)
    expect(step.decision.split('; ')).toHaveLength(3)
    expect(step.query).toContain('scored by the streaming anomaly detector')
    const onsets = [...step.decision.matchAll(/since (\d\d:\d\d) UTC/g)].map((m) => m[1]!)
    expect(onsets).toEqual([...onsets].sort())
  })
})
