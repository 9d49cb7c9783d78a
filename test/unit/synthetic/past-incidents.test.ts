import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { generatePastIncidents, type SeedIncident } from '../../../scripts/synthetic/past-incidents'
import { checkPlaybookFiles } from '../../../src/storage/playbook-files'
import { NOW } from './fleet-fixtures'

const DAY_MS = 24 * 3_600_000

describe('generatePastIncidents', () => {
  const history = generatePastIncidents({ seed: 7, count: 60, now: NOW })

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generatePastIncidents({ seed: 7, count: 60, now: NOW })).toEqual(history)
    expect(generatePastIncidents({ seed: 8, count: 60, now: NOW })).not.toEqual(history)
  })

  it('defaults to 60 incidents and honours count', () => {
    expect(generatePastIncidents({ seed: 1, now: NOW })).toHaveLength(60)
    expect(generatePastIncidents({ seed: 1, count: 200, now: NOW })).toHaveLength(200)
  })

  it('spreads resolved incidents over the last ~180 days, oldest first', () => {
    for (const incident of history) {
      expect(incident.startedAt.getTime()).toBeLessThan(NOW.getTime())
      expect(incident.startedAt.getTime()).toBeGreaterThan(NOW.getTime() - 181 * DAY_MS)
      expect(incident.resolvedAt.getTime()).toBeGreaterThan(incident.startedAt.getTime())
      expect(['critical', 'high', 'warning', 'info']).toContain(incident.severity)
    }
    const starts = history.map((i) => i.startedAt.getTime())
    expect(starts).toEqual([...starts].sort((a, b) => a - b))
    expect(new Set(history.map((i) => i.service)).size).toBeGreaterThanOrEqual(6)
    expect(new Set(history.map((i) => i.title)).size).toBeGreaterThan(history.length * 0.6)
  })

  describe('history the demo relies on', () => {
    const paymentFraud = history.filter((i) => i.service === 'payment-api' && i.labels['dependency'] === 'fraud-check')
    const checkoutDbPool = history.filter((i) => i.policyName === 'checkout-db connections > 90% of max')

    it('has several payment-api latency incidents caused by fraud-check, fixed by the circuit breaker', () => {
      const fixedByBreaker = paymentFraud.filter((i) => i.resolutionOutcome === 'worked' && /circuit breaker/i.test(i.resolution) && i.playbookId === 'latency-slow-dependency')
      expect(fixedByBreaker.length).toBeGreaterThanOrEqual(3)
      expect(fixedByBreaker.every((i) => i.policyName === 'payment-api p95 latency > 2 s')).toBe(true)
    })

    it('has a failed fix followed later by one that worked', () => {
      const failed = paymentFraud.find((i) => i.resolutionOutcome === 'failed')!
      expect(failed).toBeDefined()
      expect(paymentFraud.some((i) => i.resolutionOutcome === 'worked' && i.startedAt > failed.startedAt)).toBe(true)
      const failedPool = checkoutDbPool.find((i) => i.resolutionOutcome === 'failed')!
      expect(checkoutDbPool.some((i) => i.resolutionOutcome === 'worked' && i.startedAt > failedPool.startedAt)).toBe(true)
    })

    it('has payment-api latency distractors with other causes', () => {
      const samePolicyOtherCause = history.filter((i) => i.policyName === 'payment-api p95 latency > 2 s' && i.labels['dependency'] !== 'fraud-check')
      expect(samePolicyOtherCause.some((i) => /roll(ed)? back/i.test(i.resolution))).toBe(true)
      expect(samePolicyOtherCause.some((i) => /GC/.test(i.title + i.summary))).toBe(true)
    })

    it('has checkout-db connection exhaustion fixed by pgbouncer restarts, pool sizing or killing idle sessions', () => {
      const worked = checkoutDbPool.filter((i) => i.resolutionOutcome === 'worked')
      expect(checkoutDbPool.length).toBeGreaterThanOrEqual(3)
      expect(worked.some((i) => /pgbouncer/i.test(i.resolution))).toBe(true)
      expect(worked.some((i) => /idle-in-transaction|idle in transaction/i.test(i.resolution))).toBe(true)
      expect(history.some((i) => /default_pool_size/.test(i.resolution))).toBe(true)
    })
  })

  it('only names playbooks that ship in playbooks/', () => {
    const shipped = new Set(checkPlaybookFiles(fileURLToPath(new URL('../../../playbooks', import.meta.url))).flatMap((r) => (r.ok ? [r.playbook.id] : [])))
    const named = new Set(generatePastIncidents({ seed: 3, count: 300, now: NOW }).map((i: SeedIncident) => i.playbookId).filter((id): id is string => id !== null))
    for (const id of named) expect(shipped).toContain(id)
  })
})
