import { describe, expect, it } from 'vitest'
import { analyzeIncident, type IncidentUnderAnalysis } from '../../../../src/core/analysis/analyze-incident'
import { localiseRootCause } from '../../../../src/core/analysis/rca/localise-root-cause'
import { gatherEvidence } from '../../../../src/core/analysis/evidence/gather-evidence'
import { RCA_METRIC_KINDS } from '../../../../src/core/analysis/rca/telemetry-input'
import { WATCHED_METRICS } from '../../../../src/core/analysis/watched-metrics'
import { SyntheticTelemetry, type SyntheticIncidentInjection } from '../../../../src/integrations/telemetry/synthetic'
import { CountingTelemetry } from '../../../fakes/counting-telemetry'
import { telemetryOnlyAnalysisPorts } from '../../../support/analysis-ports'

const MIN = 60_000
const now = new Date('2026-03-10T14:00:00Z')
const minutesAgo = (m: number) => new Date(now.getTime() - m * MIN)

const cases: Array<{ name: string; incident: IncidentUnderAnalysis; injection: SyntheticIncidentInjection; cause: string }> = [
  {
    name: 'a slow dependency two calls below the alerting frontend',
    incident: {
      id: '00000000-0000-4000-8000-000000000001',
      title: 'frontend p95 latency above 2 s',
      summary: 'checkout slow',
      service: 'frontend',
      resourceType: 'k8s_container',
      policyName: null,
      startedAt: minutesAgo(20),
    },
    injection: { kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: minutesAgo(25) },
    cause: 'fraud-check',
  },
  {
    name: 'a database out of connections under the erroring checkout',
    incident: {
      id: '00000000-0000-4000-8000-000000000002',
      title: 'checkout-api 5xx above 5%',
      summary: 'checkout failing',
      service: 'checkout-api',
      resourceType: 'k8s_container',
      policyName: null,
      startedAt: minutesAgo(9),
    },
    injection: { kind: 'connection-pool-exhaustion', service: 'checkout-db', start: minutesAgo(12) },
    cause: 'checkout-db',
  },
]

async function analyze(telemetry: CountingTelemetry, incident: IncidentUnderAnalysis) {
  return analyzeIncident(incident, telemetryOnlyAnalysisPorts(telemetry, now), { confidenceThreshold: 0.5 })
}

describe('one analysis asks Cloud Monitoring each series once', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const synthetic = new SyntheticTelemetry({ seed: 7, injections: [c.injection] })

      it("asks each (service, metric) once: the root-cause step cuts the evidence step's series, and asks the others over both its windows at once", async () => {
        const counting = new CountingTelemetry(synthetic)
        await analyze(counting, c.incident)
        const service = c.incident.service!
        const topology = await synthetic.services()
        const direct = [service, ...topology.find((s) => s.name === service)!.dependsOn]
        const involved = [service]
        for (let i = 0; i < involved.length; i++)
          for (const d of topology.find((s) => s.name === involved[i])!.dependsOn) if (!involved.includes(d)) involved.push(d)
        expect(involved.length).toBeGreaterThan(direct.length)
        const expected = new Set([
          ...direct.flatMap((s) => WATCHED_METRICS.map((m) => `${s} ${m}`)),
          ...involved.flatMap((s) => RCA_METRIC_KINDS.map((m) => `${s} ${m}`)),
        ])
        const asked = counting.queriesPerSeries()
        expect(new Set(asked.keys())).toEqual(expected)
        expect([...asked].filter(([, n]) => n !== 1)).toEqual([])
      })

      it('finds the same probable cause, with the same reasoning, as the steps asking the provider themselves', async () => {
        const result = await analyze(new CountingTelemetry(synthetic), c.incident)
        // Before the reuse: the evidence asks the provider, the root-cause step asks it again, window by window.
        const direct = new CountingTelemetry(synthetic, { hideGrid: true })
        const gathered = await gatherEvidence(direct, { service: c.incident.service!, startedAt: c.incident.startedAt, now, policyName: null })
        const rca = await localiseRootCause(direct, c.incident, c.incident.service!, gathered, now)
        expect(result.probableCause).toEqual(rca!.cause)
        expect(result.probableCause!.node).toBe(c.cause)
        expect(result.steps.find((s) => s.position === 4)).toEqual(rca!.step)
        expect(result.steps.find((s) => s.position === 2)!.evidence).toEqual(gathered.items.filter((i) => i.source === 'metrics'))
      })
    })
  }
})
