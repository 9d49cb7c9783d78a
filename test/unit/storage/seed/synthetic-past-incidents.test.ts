import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { generatePastIncidents, type SeedIncident } from '../../../../src/storage/seed/synthetic-past-incidents'
import { findErrorsSeenBefore } from '../../../../src/core/analysis/logs/recurring-errors'
import { createDemoFleet } from '../../../../src/integrations/telemetry/synthetic'
import { errorGroupId } from '../../../../src/integrations/telemetry/synthetic/error-group-id'
import { checkPlaybookFiles } from '../../../../src/storage/playbook-files'
import { NOW } from '../../../support/fleet-fixtures'

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
    const paymentFraud = history.filter((i) => i.service === 'payment-api' && i.labels.dependency === 'fraud-check')
    const checkoutDbPool = history.filter((i) => i.policyName === 'checkout-db connections > 90% of max')

    it('has several payment-api latency incidents caused by fraud-check, fixed by the circuit breaker', () => {
      const fixedByBreaker = paymentFraud.filter(
        (i) => i.resolutionOutcome === 'worked' && /circuit breaker/i.test(i.resolution) && i.playbookId === 'latency-slow-dependency',
      )
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
      const samePolicyOtherCause = history.filter((i) => i.policyName === 'payment-api p95 latency > 2 s' && i.labels.dependency !== 'fraud-check')
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

  describe('the errors their analyses stored', () => {
    const paymentFraud = history.filter((i) => i.service === 'payment-api' && i.labels.dependency === 'fraud-check')

    it('gives each fraud-check timeout incident the timeout log line and its Error Reporting group, seen while it lasted', () => {
      expect(paymentFraud).toHaveLength(5)
      for (const incident of paymentFraud) {
        const group = incident.errors.find((e) => e.errorGroupId !== null)
        const line = incident.errors.find((e) => e.errorGroupId === null)
        expect(group).toMatchObject({
          service: 'payment-api',
          errorGroupId: errorGroupId('payment-api', 'deadline:fraud-check'),
          example: 'UpstreamTimeoutError: call to fraud-check (POST /v1/score) exceeded its 2500ms deadline',
        })
        expect(line!.example).toMatch(
          /^upstream request timeout: POST \/v1\/score on fraud-check timed out after 2500ms \(attempt [12]\/2\) request_id=[0-9a-f]{16}$/,
        )
        expect(line!.template).toContain('on fraud-check timed out after')
        expect(line!.occurrences).toBeGreaterThan(100)
        for (const e of incident.errors) {
          expect(e.seenAt.getTime()).toBeGreaterThanOrEqual(incident.startedAt.getTime())
          expect(e.seenAt.getTime()).toBeLessThan(incident.resolvedAt.getTime())
        }
      }
    })

    it('leaves incidents without a characteristic error without errors', () => {
      const withoutErrors = history.filter((i) => /FX-rate|GC pauses|Adyen|index on order_items/.test(i.rootCause + i.summary))
      expect(withoutErrors.length).toBeGreaterThanOrEqual(3)
      for (const incident of withoutErrors) expect(incident.errors).toEqual([])
    })

    it('are the same errors the demo fleet logs now: the fraud-check timeouts match all five earlier incidents', async () => {
      const fleet = createDemoFleet(NOW)
      const window = { start: new Date(NOW.getTime() - 20 * 60_000), end: NOW }
      const current = {
        incidentId: 'now',
        startedAt: window.start,
        logs: await fleet.logs({ service: 'payment-api', ...window, minSeverity: 'ERROR', limit: 500 }),
        errorGroups: await fleet.errors({ service: 'payment-api', ...window }),
      }
      const past = history.map((i, n) => ({
        incidentId: `past-${n}`,
        number: n + 1,
        title: i.title,
        startedAt: i.startedAt,
        resolution: i.resolution,
        resolutionOutcome: i.resolutionOutcome,
        sightings: i.errors,
      }))
      const seen = findErrorsSeenBefore(current, past)
      const timeout = seen.find((s) => s.template.startsWith('UpstreamTimeoutError: call to fraud-check'))
      expect(timeout!.earlier.map((e) => e.title).sort()).toEqual(paymentFraud.map((i) => i.title).sort())
      expect(seen.find((s) => s.template.includes('on fraud-check timed out after'))!.earlier).toHaveLength(5)
    })
  })

  it('only names playbooks that ship in playbooks/', () => {
    const shipped = new Set(checkPlaybookFiles(fileURLToPath(new URL('../../../../playbooks', import.meta.url))).flatMap((r) => (r.ok ? [r.playbook.id] : [])))
    const named = new Set(
      generatePastIncidents({ seed: 3, count: 300, now: NOW })
        .map((i: SeedIncident) => i.playbookId)
        .filter((id): id is string => id !== null),
    )
    for (const id of named) expect(shipped).toContain(id)
  })
})
