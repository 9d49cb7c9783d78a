import { describe, expect, it } from 'vitest'
import { detectHypotheses } from '../../../../src/core/analysis/detect-hypotheses'
import { gatherEvidence } from '../../../../src/core/analysis/evidence/gather-evidence'
import { SyntheticTelemetry } from '../../../../src/integrations/telemetry/synthetic'
import { ordersDbExhaustion } from '../../../fakes/scripted-telemetry'

const now = new Date('2026-03-10T14:00:00Z')
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000)

async function topHypothesis(telemetry: ConstructorParameters<typeof SyntheticTelemetry>[0] | undefined, service: string, startedMinutesAgo = 10) {
  const evidence = await gatherEvidence(new SyntheticTelemetry(telemetry), { service, startedAt: minutesAgo(startedMinutesAgo), now })
  return { evidence, hypotheses: detectHypotheses(service, evidence) }
}

describe('detectHypotheses on synthetic telemetry', () => {
  it('blames the slow dependency when its latency and the traces point at it', async () => {
    const { hypotheses } = await topHypothesis(
      { injections: [{ kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: minutesAgo(25) }] },
      'payment-api',
    )
    expect(hypotheses[0]).toMatchObject({ id: 'slow-dependency:fraud-check', playbookId: 'latency-slow-dependency' })
    expect(hypotheses[0]!.support).toBeGreaterThan(0.7)
  })

  it('recognises a bad deploy from the INFO rollout line and the error step', async () => {
    const { hypotheses } = await topHypothesis({ injections: [{ kind: 'bad-deploy', service: 'checkout-api', start: minutesAgo(20) }] }, 'checkout-api')
    expect(hypotheses[0]).toMatchObject({ playbookId: 'deploy-5xx-rollback' })
    expect(hypotheses[0]!.because.join(' ')).toMatch(/deploy in the window/)
  })

  it('finds nothing strong on a healthy fleet', async () => {
    const { hypotheses } = await topHypothesis({ injections: [] }, 'payment-api')
    expect(hypotheses.every((h) => h.support < 0.3)).toBe(true)
  })

  it('reports a source that fails as missing, and keeps the others', async () => {
    const telemetry = ordersDbExhaustion(minutesAgo(15))
    telemetry.traces = async () => {
      throw new Error('Cloud Trace unavailable (503)')
    }
    const evidence = await gatherEvidence(telemetry, { service: 'orders-api', startedAt: minutesAgo(10), now: new Date() })
    expect(evidence.sourcesMissing).toEqual([{ source: 'traces', reason: 'Cloud Trace unavailable (503)' }])
    expect(evidence.sourcesAnswered).toEqual(['metrics', 'logs', 'errors'])
    expect(detectHypotheses('orders-api', evidence)[0]?.playbookId).toBe('db-connection-exhaustion')
  })
})
