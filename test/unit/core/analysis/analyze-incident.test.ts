import { describe, expect, it } from 'vitest'
import { analyzeIncident, type IncidentUnderAnalysis } from '../../../../src/core/analysis/analyze-incident'
import type { TelemetryPort } from '../../../../src/core/telemetry/port'
import { ordersDbExhaustion } from '../../../fakes/scripted-telemetry'
import { telemetryOnlyAnalysisPorts } from '../../../support/analysis-ports'

const now = new Date('2026-03-10T14:00:00Z')
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000)
const incident: IncidentUnderAnalysis = {
  id: '00000000-0000-4000-8000-000000000001',
  title: 'orders-api p95 latency above 2 s',
  summary: 'orders slow',
  service: 'orders-api',
  resourceType: 'k8s_container',
  policyName: null,
  startedAt: minutesAgo(10),
}

describe('analyzeIncident', () => {
  it('numbers its steps in the order they are recorded', async () => {
    const result = await analyzeIncident(incident, telemetryOnlyAnalysisPorts(ordersDbExhaustion(minutesAgo(15)), now), { confidenceThreshold: 0.5 })
    expect(result.steps.map((s) => [s.position, s.question])).toEqual([
      [1, 'Have we seen this before?'],
      [2, 'What do the metrics show?'],
      [3, 'What do logs, errors and traces say?'],
      [4, 'Which component is the probable cause?'],
      [5, 'Which explanation fits the evidence?'],
      [6, 'What should we do?'],
      [7, 'How sure are we?'],
    ])
  })

  describe('when the dependency lookup fails', () => {
    const scripted = ordersDbExhaustion(minutesAgo(15))
    const telemetry: TelemetryPort = {
      name: scripted.name,
      metrics: (q) => scripted.metrics(q),
      logs: (q) => scripted.logs(q),
      errors: (q) => scripted.errors(q),
      traces: (q) => scripted.traces(q),
      services: async () => {
        throw new Error('service catalog unreadable')
      },
    }

    it('goes on with the service alone, and the trail says the lookup failed and why', async () => {
      const result = await analyzeIncident(incident, telemetryOnlyAnalysisPorts(telemetry, now), { confidenceThreshold: 0.5 })
      const metrics = result.steps.find((s) => s.position === 2)!
      expect(metrics.query).toContain('scripted: orders-api (dependency lookup failed: service catalog unreadable; its dependencies were not examined) — ')
      expect(metrics.decision).toContain('orders-api latency_p95_ms')
    })

    it('says nothing of it when the lookup answers', async () => {
      const result = await analyzeIncident(incident, telemetryOnlyAnalysisPorts(scripted, now), { confidenceThreshold: 0.5 })
      expect(result.steps.find((s) => s.position === 2)!.query).toMatch(/^scripted: orders-api, orders-db — /)
    })
  })
})
