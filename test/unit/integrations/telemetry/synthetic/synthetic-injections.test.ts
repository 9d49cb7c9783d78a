import { describe, expect, it } from 'vitest'
import { createDemoFleet, SyntheticTelemetry, type SyntheticIncidentInjection } from '../../../../../src/integrations/telemetry/synthetic'
import { metricValues, minutesBefore, NOW, p95, windowBeforeNow } from '../../../../support/fleet-fixtures'

describe('injected incidents', () => {
  it('createDemoFleet injects the two demo incidents relative to now', () => {
    expect(createDemoFleet(NOW).injections).toEqual([
      { kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: minutesBefore(NOW, 25) },
      { kind: 'connection-pool-exhaustion', service: 'checkout-db', start: minutesBefore(NOW, 15) },
    ])
  })

  it('createDemoFleet ends both incidents when mitigated and starts the inventory leak when told', () => {
    const mitigatedAt = new Date(NOW.getTime() + 60 * 60_000)
    const inventoryLeakAt = new Date(NOW.getTime() + 6 * 3_600_000)
    expect(createDemoFleet(NOW, 7, { mitigatedAt, inventoryLeakAt }).injections).toEqual([
      { kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: minutesBefore(NOW, 25), end: mitigatedAt },
      { kind: 'connection-pool-exhaustion', service: 'checkout-db', start: minutesBefore(NOW, 15), end: mitigatedAt },
      { kind: 'memory-leak', service: 'inventory', start: inventoryLeakAt },
    ])
  })

  describe('demo fleet: payment-api slowed by fraud-check (started 25 min ago)', () => {
    const fleet = createDemoFleet(NOW)
    const slowStart = minutesBefore(NOW, 25)

    it('pushes payment-api p95 to at least 2 s once the ramp is over, from well under before', async () => {
      const before = await metricValues(fleet, 'payment-api', 'latency_p95_ms', windowBeforeNow(90, 26))
      const during = await metricValues(fleet, 'payment-api', 'latency_p95_ms', windowBeforeNow(17, 0))
      expect(p95(before)).toBeLessThan(500)
      expect(p95(during)).toBeGreaterThanOrEqual(2000)
      expect(Math.min(...during)).toBeGreaterThanOrEqual(2000)
    })

    it('slows fraud-check before payment-api', async () => {
      const firstAbove = async (service: string, ms: number) => {
        const series = await fleet.metrics({ service, metric: 'latency_p95_ms', ...windowBeforeNow(30), stepSeconds: 60 })
        return series.points.find((p) => p.value >= ms)!.at.getTime()
      }
      expect(await firstAbove('fraud-check', 1000)).toBeLessThan(await firstAbove('payment-api', 1000))
    })

    it('logs timeouts naming fraud-check in payment-api only after the injection started', async () => {
      const timeouts = await fleet.logs({ service: 'payment-api', ...windowBeforeNow(180), contains: 'timed out', limit: 10_000 })
      expect(timeouts.length).toBeGreaterThanOrEqual(20)
      for (const entry of timeouts) {
        expect(entry.at.getTime()).toBeGreaterThanOrEqual(slowStart.getTime())
        expect(entry.message).toContain('fraud-check')
        expect(entry.severity).toBe('ERROR')
      }
    })

    it('groups the timeouts into one error group first seen after the start', async () => {
      const groups = await fleet.errors({ service: 'payment-api', ...windowBeforeNow(60) })
      const timeoutGroup = groups.find((g) => g.message.includes('fraud-check'))
      expect(timeoutGroup).toBeDefined()
      expect(groups[0]).toBe(timeoutGroup)
      expect(timeoutGroup!.firstSeen.getTime()).toBeGreaterThanOrEqual(slowStart.getTime())
      expect(timeoutGroup!.lastSeen.getTime()).toBeLessThanOrEqual(NOW.getTime())
    })
  })

  describe('demo fleet: checkout-db out of connections (started 15 min ago)', () => {
    const fleet = createDemoFleet(NOW)
    const poolStart = minutesBefore(NOW, 15)

    it('pins checkout-db connections at or above 95% once exhausted, from a normal level before', async () => {
      const before = await metricValues(fleet, 'checkout-db', 'db_connections_used_ratio', windowBeforeNow(60, 16))
      const during = await metricValues(fleet, 'checkout-db', 'db_connections_used_ratio', windowBeforeNow(11, 0))
      expect(Math.max(...before)).toBeLessThan(0.7)
      expect(Math.min(...during)).toBeGreaterThanOrEqual(0.95)
      expect(Math.max(...during)).toBeLessThanOrEqual(1)
    })

    it('logs pool timeouts in checkout-api and refused connections in checkout-db, after the start only', async () => {
      const callerLines = await fleet.logs({ service: 'checkout-api', ...windowBeforeNow(120), contains: 'acquiring connection', limit: 10_000 })
      const databaseLines = await fleet.logs({
        service: 'checkout-db',
        ...windowBeforeNow(120),
        contains: 'remaining connection slots are reserved',
        limit: 10_000,
      })
      expect(callerLines.length).toBeGreaterThanOrEqual(5)
      expect(databaseLines.length).toBeGreaterThanOrEqual(5)
      for (const entry of [...callerLines, ...databaseLines]) expect(entry.at.getTime()).toBeGreaterThanOrEqual(poolStart.getTime())
    })

    it('raises checkout-api latency and reports the pool error groups', async () => {
      const during = await metricValues(fleet, 'checkout-api', 'latency_p95_ms', windowBeforeNow(10, 0))
      expect(p95(during)).toBeGreaterThan(3000)
      const groups = await fleet.errors({ service: 'checkout-api', ...windowBeforeNow(30) })
      expect(groups.map((g) => g.message)).toEqual(expect.arrayContaining([expect.stringContaining('timeout acquiring connection from pool checkout-db')]))
    })
  })

  describe('other kinds', () => {
    const start = minutesBefore(NOW, 120)
    const fleetWith = (injection: Omit<SyntheticIncidentInjection, 'start'>) => new SyntheticTelemetry({ seed: 9, injections: [{ ...injection, start }] })

    it('memory-leak: memory climbs to the limit, then OOMKilled lines and a restart', async () => {
      const fleet = fleetWith({ kind: 'memory-leak', service: 'cart' })
      const memory = await metricValues(fleet, 'cart', 'memory_utilization', windowBeforeNow(120))
      expect(Math.max(...memory)).toBeGreaterThanOrEqual(0.95)
      expect(Math.min(...memory.slice(40))).toBeLessThan(0.6)
      const kills = await fleet.logs({ service: 'cart', ...windowBeforeNow(120), contains: 'oomkilled', limit: 100 })
      expect(kills.length).toBeGreaterThanOrEqual(2)
      expect(kills.every((k) => k.severity === 'CRITICAL')).toBe(true)
    })

    it('bad-deploy: a "Deployed revision" line, then the error rate steps up with 5xx error groups', async () => {
      const fleet = fleetWith({ kind: 'bad-deploy', service: 'checkout-api', end: minutesBefore(NOW, 60) })
      const deploys = await fleet.logs({ service: 'checkout-api', ...windowBeforeNow(180), contains: 'Deployed revision', limit: 10 })
      expect(deploys).toHaveLength(2)
      expect(deploys[1]!.at).toEqual(start)
      expect(deploys[0]!.message).toContain('rollback')
      const before = await metricValues(fleet, 'checkout-api', 'error_rate', windowBeforeNow(180, 121))
      const during = await metricValues(fleet, 'checkout-api', 'error_rate', windowBeforeNow(118, 62))
      const after = await metricValues(fleet, 'checkout-api', 'error_rate', windowBeforeNow(55, 0))
      expect(Math.max(...before)).toBeLessThan(0.02)
      expect(Math.min(...during)).toBeGreaterThan(0.08)
      expect(Math.max(...after)).toBeLessThan(0.02)
      const groups = await fleet.errors({ service: 'checkout-api', ...windowBeforeNow(120, 60) })
      expect(groups[0]!.message).toMatch(/TypeError/)
      expect(groups[0]!.count).toBeGreaterThan(100)
    })

    it('quota-exhaustion: quota pinned at 1 and RESOURCE_EXHAUSTED errors', async () => {
      const fleet = fleetWith({ kind: 'quota-exhaustion', service: 'fraud-check' })
      expect(Math.min(...(await metricValues(fleet, 'fraud-check', 'quota_used_ratio', windowBeforeNow(100))))).toBeGreaterThanOrEqual(0.97)
      const refused = await fleet.logs({ service: 'fraud-check', ...windowBeforeNow(100), contains: 'RESOURCE_EXHAUSTED', minSeverity: 'ERROR', limit: 50 })
      expect(refused).toHaveLength(50)
    })
  })

  describe('invalid injections', () => {
    const at = minutesBefore(NOW, 10)

    it('refuses a slow dependency the service does not call', () => {
      expect(() => new SyntheticTelemetry({ injections: [{ kind: 'slow-dependency', service: 'payment-api', dependency: 'cart', start: at }] })).toThrow(
        /does not call cart/,
      )
    })

    it('refuses connection-pool-exhaustion on a service that is not a database', () => {
      expect(() => new SyntheticTelemetry({ injections: [{ kind: 'connection-pool-exhaustion', service: 'cart', start: at }] })).toThrow(/not a database/)
    })

    it('refuses an unknown service and an end before the start', () => {
      expect(() => new SyntheticTelemetry({ injections: [{ kind: 'memory-leak', service: 'billing', start: at }] })).toThrow(/unknown service "billing"/)
      expect(() => new SyntheticTelemetry({ injections: [{ kind: 'memory-leak', service: 'cart', start: at, end: minutesBefore(at, 1) }] })).toThrow(
        /end is before start/,
      )
    })
  })
})
