import { describe, expect, it } from 'vitest'
import type { METRIC_KINDS } from '../../../../../src/core/telemetry/port'
import { SyntheticTelemetry } from '../../../../../src/integrations/telemetry/synthetic'
import { mean, metricValues, MINUTE_MS, NOW, windowBeforeNow } from '../../../../support/fleet-fixtures'

describe('SyntheticTelemetry metrics', () => {
  describe('determinism', () => {
    it('answers the same values for the same seed, from separate instances', async () => {
      const a = new SyntheticTelemetry({ seed: 11 })
      const b = new SyntheticTelemetry({ seed: 11 })
      for (const metric of ['latency_p95_ms', 'error_rate', 'request_rate'] as const) {
        expect(await metricValues(a, 'payment-api', metric, windowBeforeNow(60))).toEqual(await metricValues(b, 'payment-api', metric, windowBeforeNow(60)))
      }
    })

    it('answers different values for a different seed', async () => {
      const a = await metricValues(new SyntheticTelemetry({ seed: 11 }), 'payment-api', 'latency_p95_ms', windowBeforeNow(60))
      const b = await metricValues(new SyntheticTelemetry({ seed: 12 }), 'payment-api', 'latency_p95_ms', windowBeforeNow(60))
      expect(a).not.toEqual(b)
    })

    it('gives an instant the same value whatever window it is asked in', async () => {
      const telemetry = new SyntheticTelemetry({ seed: 3 })
      const wide = await telemetry.metrics({ service: 'cart', metric: 'request_rate', ...windowBeforeNow(120), stepSeconds: 60 })
      const narrow = await telemetry.metrics({ service: 'cart', metric: 'request_rate', ...windowBeforeNow(10), stepSeconds: 60 })
      const byTime = new Map(wide.points.map((p) => [p.at.getTime(), p.value]))
      for (const point of narrow.points) expect(byTime.get(point.at.getTime())).toBe(point.value)
    })
  })

  describe('shape', () => {
    it('samples at step boundaries inside the window, with the unit of the metric', async () => {
      const telemetry = new SyntheticTelemetry()
      const series = await telemetry.metrics({
        service: 'payment-api',
        metric: 'latency_p95_ms',
        start: new Date(NOW.getTime() - 59 * MINUTE_MS - 30_000),
        end: NOW,
        stepSeconds: 60,
      })
      expect(series.unit).toBe('ms')
      expect(series.points).toHaveLength(60)
      expect(series.points[0]!.at.getTime() % MINUTE_MS).toBe(0)
      expect(series.points.at(-1)!.at).toEqual(NOW)
    })

    it('keeps ratios within 0..1 and counts non-negative for every service and exported metric', async () => {
      const telemetry = new SyntheticTelemetry({ seed: 5 })
      for (const { name } of await telemetry.services()) {
        for (const metric of telemetry.exportedMetrics(name)) {
          const series = await telemetry.metrics({ service: name, metric, ...windowBeforeNow(24 * 60), stepSeconds: 600 })
          for (const { value } of series.points) {
            expect(Number.isFinite(value)).toBe(true)
            expect(value).toBeGreaterThanOrEqual(0)
            if (series.unit === 'ratio') expect(value).toBeLessThanOrEqual(1)
          }
        }
      }
    })

    it('keeps payment-api p95 latency well under 2 s without injections', async () => {
      const values = await metricValues(new SyntheticTelemetry(), 'payment-api', 'latency_p95_ms', windowBeforeNow(7 * 24 * 60))
      expect(Math.max(...values)).toBeLessThan(600)
    })
  })

  describe('seasonality', () => {
    const telemetry = new SyntheticTelemetry({ seed: 21 })
    const hourAround = async (iso: string) => {
      const at = new Date(iso)
      return mean(
        await metricValues(telemetry, 'frontend', 'request_rate', {
          start: new Date(at.getTime() - 30 * MINUTE_MS),
          end: new Date(at.getTime() + 30 * MINUTE_MS),
        }),
      )
    }

    it('has more traffic in the afternoon than in the small hours', async () => {
      expect(await hourAround('2025-03-12T17:00:00Z')).toBeGreaterThan(2 * (await hourAround('2025-03-12T03:00:00Z')))
    })

    it('has less traffic on a Saturday than on the Wednesday before at the same hour', async () => {
      expect(await hourAround('2025-03-15T17:00:00Z')).toBeLessThan(0.85 * (await hourAround('2025-03-12T17:00:00Z')))
    })
  })

  describe('errors', () => {
    const telemetry = new SyntheticTelemetry()

    it('names an unknown service', async () => {
      await expect(telemetry.metrics({ service: 'billing', metric: 'error_rate', ...windowBeforeNow(10) })).rejects.toMatchObject({
        code: 'telemetry_query_invalid',
        message: expect.stringContaining('"billing"'),
      })
    })

    it('names an unknown metric', async () => {
      // Cast: a caller outside TypeScript's reach (a playbook file, an HTTP body) can send anything.
      const metric = 'gc_pause_ms' as (typeof METRIC_KINDS)[number]
      await expect(telemetry.metrics({ service: 'payment-api', metric, ...windowBeforeNow(10) })).rejects.toMatchObject({
        name: 'TelemetryQueryError',
        message: expect.stringContaining('"gc_pause_ms"'),
      })
    })

    it('names a metric the service does not export', async () => {
      await expect(telemetry.metrics({ service: 'frontend', metric: 'db_connections_used_ratio', ...windowBeforeNow(10) })).rejects.toMatchObject({
        code: 'telemetry_query_invalid',
        message: expect.stringContaining('frontend does not export db_connections_used_ratio'),
      })
    })

    it('refuses a window whose end is before its start, for every source', async () => {
      const backwards = { start: NOW, end: new Date(NOW.getTime() - MINUTE_MS) }
      await expect(telemetry.metrics({ service: 'cart', metric: 'error_rate', ...backwards })).rejects.toMatchObject({ code: 'telemetry_query_invalid' })
      await expect(telemetry.logs({ service: 'cart', ...backwards })).rejects.toMatchObject({ code: 'telemetry_query_invalid' })
      await expect(telemetry.errors({ service: 'cart', ...backwards })).rejects.toMatchObject({ code: 'telemetry_query_invalid' })
      await expect(telemetry.traces({ service: 'cart', ...backwards })).rejects.toMatchObject({ code: 'telemetry_query_invalid' })
    })

    it('refuses a non-positive step', async () => {
      await expect(telemetry.metrics({ service: 'cart', metric: 'error_rate', ...windowBeforeNow(10), stepSeconds: 0 })).rejects.toMatchObject({
        code: 'telemetry_query_invalid',
      })
    })
  })

  it('lists the fleet with its call graph', async () => {
    const services = await new SyntheticTelemetry().services()
    const dependsOn = Object.fromEntries(services.map((s) => [s.name, s.dependsOn]))
    expect(Object.keys(dependsOn).sort()).toEqual(['cart', 'checkout-api', 'checkout-db', 'fraud-check', 'frontend', 'inventory', 'payment-api', 'pubsub'])
    expect(dependsOn.frontend).toContain('checkout-api')
    expect(dependsOn['checkout-api']).toEqual(expect.arrayContaining(['payment-api', 'checkout-db', 'cart', 'inventory']))
    expect(dependsOn['payment-api']).toEqual(['fraud-check'])
  })
})
