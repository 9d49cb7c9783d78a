import { describe, expect, it } from 'vitest'
import { analyzeCapacity } from '../../../../src/core/capacity/analyze-capacity'
import type { CapacitySettings } from '../../../../src/core/capacity/capacity-settings'
import type { MetricPoint } from '../../../../src/core/telemetry/port'

const HOUR_MS = 3_600_000
// Sunday 2026-11-08 00:00 UTC: 28 days of hourly points end on Saturday 2026-12-05 23:00.
const START = Date.UTC(2026, 10, 8)
const DAYS = 28

/** A business-hours shape: quiet at night, a peak at 10:00 UTC on weekdays, weekends at half height. */
function shape(at: Date): number {
  const hour = at.getUTCHours()
  const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6
  const day = Math.exp(-((hour - 10) ** 2) / 18)
  return 0.2 + 0.8 * day * (weekend ? 0.5 : 1)
}

/** Hourly points of `peak × shape`, growing by `weeklyGrowth` a week, with a small deterministic ripple. */
function series(peak: number, weeklyGrowth = 0): MetricPoint[] {
  return Array.from({ length: DAYS * 24 }, (_, i) => {
    const at = new Date(START + i * HOUR_MS)
    const growth = 1 + (weeklyGrowth * i) / 168
    return { at, value: peak * shape(at) * growth * (1 + 0.01 * Math.sin(i * 1.7)) }
  })
}

function flat(value: number): MetricPoint[] {
  return Array.from({ length: DAYS * 24 }, (_, i) => ({ at: new Date(START + i * HOUR_MS), value }))
}

function settings(overrides: Partial<CapacitySettings>): CapacitySettings {
  return {
    source: 'deployment shop/svc',
    replicas: 4,
    autoscaler: { minReplicas: 2, maxReplicas: 8 },
    cpuRequestCores: 0.5,
    cpuLimitCores: 1,
    memoryRequestGiB: 0.5,
    memoryLimitGiB: 1,
    ...overrides,
  }
}

/** Latency that climbs when CPU is high: the hot service's p95 rises at its peaks. */
function latencyFollowing(cpu: MetricPoint[], baseMs: number): MetricPoint[] {
  return cpu.map((p) => ({ at: p.at, value: baseMs * (1 + 3 * Math.max(0, p.value - 0.6)) }))
}

describe('analyzeCapacity', () => {
  describe('a service that runs hot at its HPA max', () => {
    const cpu = series(0.84, 0.03)
    const report = analyzeCapacity({
      service: 'hot',
      cpu,
      memory: flat(0.6),
      latencyP95Ms: latencyFollowing(cpu, 200),
      settings: settings({ replicas: 8, autoscaler: { minReplicas: 3, maxReplicas: 8 } }),
    })

    it('finds the Monday-to-Friday 10:00 peak and a forecast above what it has seen', () => {
      expect(report.cpu?.peakHourOfWeek).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 10:00$/)
      expect(report.cpu?.busiestHourOfWeek).toMatch(/10:00$/)
      expect(report.cpu?.weeklyGrowth).toBeGreaterThan(0.02)
      expect(report.cpu?.forecastPeak).toBeGreaterThan(0.9)
    })

    it('raises the HPA max to bring the forecast peak under the target, and says what it costs', () => {
      expect(report.verdict).toBe('scale-up')
      const [rec] = report.recommendations
      expect(rec?.kind).toBe('hpa-max')
      expect(rec?.from).toBe(8)
      expect(rec?.to).toBe(Math.ceil(((report.cpu?.forecastPeak ?? 0) * 8) / 0.7))
      expect(rec?.after).toBeLessThanOrEqual(0.7)
      expect(rec?.before).toBeGreaterThan(0.85)
      expect(rec?.vcpuHoursPerWeek).toBeGreaterThan(0)
      expect(rec?.gibHoursPerWeek).toBeGreaterThan(0)
      expect(rec?.summary).toMatch(/raise HPA max to \d+ → \d+ %/)
    })

    it('shows the latency rising with load', () => {
      expect(report.latency?.ratio).toBeGreaterThan(1.3)
    })
  })

  describe('an over-provisioned service', () => {
    const report = analyzeCapacity({
      service: 'idle',
      cpu: series(0.15),
      memory: flat(0.5),
      latencyP95Ms: flat(80),
      settings: settings({ replicas: 10, autoscaler: { minReplicas: 10, maxReplicas: 20 } }),
    })

    it('lowers the HPA min and names the saving', () => {
      expect(report.verdict).toBe('scale-down')
      const [rec] = report.recommendations
      expect(rec?.kind).toBe('hpa-min')
      expect(rec?.from).toBe(10)
      expect(rec?.to).toBeLessThan(10)
      expect(rec?.to).toBeGreaterThanOrEqual(2)
      expect(rec?.after).toBeLessThanOrEqual(0.7)
      expect(rec?.vcpuHoursPerWeek).toBeLessThan(0)
      expect(rec?.gibHoursPerWeek).toBeLessThan(0)
    })
  })

  describe('a healthy service', () => {
    const report = analyzeCapacity({
      service: 'fine',
      cpu: series(0.55),
      memory: flat(0.55),
      latencyP95Ms: flat(120),
      settings: settings({}),
    })

    it('answers no change needed, with the numbers behind it', () => {
      expect(report.verdict).toBe('no-change')
      expect(report.recommendations).toEqual([])
      expect(report.notes.join('\n')).toMatch(/forecast next peak \d+ %.*no replica change needed/)
      expect(report.notes.join('\n')).toMatch(/no memory change needed/)
    })
  })

  it('raises a memory limit that the forecast peak would fill', () => {
    const report = analyzeCapacity({ service: 'leaky', cpu: series(0.5), memory: series(0.92, 0.02), latencyP95Ms: [], settings: settings({}) })
    const rec = report.recommendations.find((r) => r.kind === 'memory')
    expect(rec?.to).toBeGreaterThan(1)
    expect(rec?.gibHoursPerWeek).toBeGreaterThan(0)
    expect(report.verdict).toBe('scale-up')
  })

  it('sizes a service without an autoscaler by its replica count', () => {
    const report = analyzeCapacity({ service: 'fixed', cpu: series(0.95), memory: [], latencyP95Ms: [], settings: settings({ autoscaler: null, replicas: 3 }) })
    const [rec] = report.recommendations
    expect(rec?.kind).toBe('replicas')
    expect(rec?.vcpuHoursPerWeek).toBe((rec!.to - 3) * 168 * 0.5)
  })

  it('at the replica floor, lowers the CPU request instead, sized from the cores used of the limit', () => {
    const report = analyzeCapacity({
      service: 'small',
      cpu: series(0.1),
      memory: [],
      latencyP95Ms: [],
      settings: settings({ replicas: 2, autoscaler: { minReplicas: 2, maxReplicas: 4 }, cpuRequestCores: 1, cpuLimitCores: 2 }),
    })
    const [rec] = report.recommendations
    expect(rec?.kind).toBe('cpu-request')
    const used = (report.cpu?.forecastPeak ?? 0) * 2
    expect(rec?.to).toBe(Math.max(0.05, Math.ceil((used / 0.7) * 20) / 20))
    expect(rec?.after).toBeCloseTo(used / rec!.to, 9)
    expect(rec?.vcpuHoursPerWeek).toBe(Math.round((rec!.to - 1) * 2 * 168 * 10) / 10)
    expect(report.verdict).toBe('scale-down')
  })

  it('reads the peak against the replicas that served it, not today’s count, when the replica history is there', () => {
    // The HPA ran 8 replicas at the weekday peaks and is down to 2 now, at night.
    const cpu = series(0.84, 0.03)
    const replicas = cpu.map((p) => ({ at: p.at, value: p.value > 0.5 ? 8 : 2 }))
    const input = { service: 'hot', cpu, memory: [], latencyP95Ms: [], settings: settings({ replicas: 2, autoscaler: { minReplicas: 2, maxReplicas: 8 } }) }
    const withHistory = analyzeCapacity({ ...input, replicas })
    expect(withHistory.verdict).toBe('scale-up')
    expect(withHistory.recommendations[0]).toMatchObject({ kind: 'hpa-max', from: 8 })
    expect(withHistory.recommendations[0]?.summary).toMatch(/^CPU peak \d+ % of 8 replicas at \w{3} 10:00; forecast next peak 9\d %/)
    expect(withHistory.notes.join('\n')).not.toContain('no replica history')
    // Without it, today's 2 replicas make the same utilisation look like a quarter of the load: it says so.
    const without = analyzeCapacity(input)
    expect(without.verdict).toBe('no-change')
    expect(without.notes.join('\n')).toContain("no replica history: the utilisation is taken as measured on today's 2 replicas")
  })

  it('says there is nothing to size from without history', () => {
    const report = analyzeCapacity({ service: 'new', cpu: [], memory: [], latencyP95Ms: [], settings: settings({}) })
    expect(report.verdict).toBe('no-data')
    expect(report.recommendations).toEqual([])
  })

  describe('a database, sized by its connections against max_connections', () => {
    const db = settings({ kind: 'database', replicas: 1, autoscaler: null, cpuRequestCores: null, memoryLimitGiB: null, maxConnections: 200 })

    it('raises max_connections when the forecast peak passes 85 %, with the connections and the memory they may hold', () => {
      const report = analyzeCapacity({ service: 'orders-db', cpu: flat(0.38), memory: flat(0.7), latencyP95Ms: [], connections: flat(0.9), settings: db })
      expect(report.verdict).toBe('scale-up')
      // 90 % of 200 = 180 at the peak; 180 / 0.7 = 257.1 → 260 in steps of 10 → 69 %; 60 more × 0.01 GiB × 168 h.
      expect(report.recommendations).toEqual([
        {
          kind: 'max-connections',
          from: 200,
          to: 260,
          before: 0.9,
          after: 180 / 260,
          vcpuHoursPerWeek: 0,
          gibHoursPerWeek: 100.8,
          summary:
            'connections peak 90 % of max_connections at Sun 00:00; forecast next peak 90 % (180 of 200); raise max_connections 200 → 260 → 69 % ' +
            "(or shrink the clients' pools: 180 connections at the peak)",
        },
      ])
      expect(report.notes).toContain('CPU peak 38 % at Sun 00:00; forecast next peak 38 % (a database is resized, not scaled out)')
    })

    it('answers no change needed with the numbers when the connections stay well under the limit', () => {
      const report = analyzeCapacity({ service: 'orders-db', cpu: flat(0.38), memory: flat(0.7), latencyP95Ms: [], connections: flat(0.38), settings: db })
      expect(report.verdict).toBe('no-change')
      expect(report.notes).toContain(
        'connections peak 38 % of max_connections at Sun 00:00; forecast next peak 38 % (76 of 200); no connection limit change needed',
      )
    })
  })

  it('speaks of instances and max instances for a Cloud Run service', () => {
    const report = analyzeCapacity({
      service: 'api',
      cpu: flat(0.95),
      memory: flat(0.5),
      latencyP95Ms: [],
      settings: settings({ kind: 'cloud-run', replicas: 4, autoscaler: { minReplicas: 1, maxReplicas: 4 } }),
    })
    // 0.95 × 4 instances = 3.8 instances' worth at the peak; 3.8 / 0.7 = 5.43 → 6.
    expect(report.recommendations[0]).toMatchObject({ kind: 'hpa-max', from: 4, to: 6 })
    expect(report.recommendations[0]!.summary).toBe(
      'CPU peak 95 % of 4 instances at Sun 00:00; forecast next peak 95 % (95 % even at max instances 4); raise max instances to 6 → 63 %',
    )
  })
})
