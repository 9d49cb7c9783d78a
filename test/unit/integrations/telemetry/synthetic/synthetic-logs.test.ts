import { describe, expect, it } from 'vitest'
import { createDemoFleet, SyntheticTelemetry } from '../../../../../src/integrations/telemetry/synthetic'
import { NOW, windowBeforeNow } from '../../../../support/fleet-fixtures'

const RANK = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, CRITICAL: 4 } as const

describe('SyntheticTelemetry logs', () => {
  const fleet = createDemoFleet(NOW)

  it('returns entries newest first, inside the window, for the asked service', async () => {
    const window = windowBeforeNow(30)
    const entries = await fleet.logs({ service: 'checkout-api', ...window, limit: 10_000 })
    expect(entries.length).toBeGreaterThan(100)
    for (let i = 1; i < entries.length; i++) expect(entries[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(entries[i]!.at.getTime())
    for (const entry of entries) {
      expect(entry.service).toBe('checkout-api')
      expect(entry.at.getTime()).toBeGreaterThanOrEqual(window.start.getTime())
      expect(entry.at.getTime()).toBeLessThanOrEqual(window.end.getTime())
    }
  })

  it('caps the answer at the limit, keeping the newest lines', async () => {
    const all = await fleet.logs({ service: 'frontend', ...windowBeforeNow(20), limit: 10_000 })
    const capped = await fleet.logs({ service: 'frontend', ...windowBeforeNow(20), limit: 25 })
    expect(capped).toEqual(all.slice(0, 25))
  })

  it('matches `contains` case-insensitively', async () => {
    const lower = await fleet.logs({ service: 'checkout-db', ...windowBeforeNow(20), contains: 'remaining connection slots', limit: 500 })
    const upper = await fleet.logs({ service: 'checkout-db', ...windowBeforeNow(20), contains: 'REMAINING Connection SLOTS', limit: 500 })
    expect(lower.length).toBeGreaterThan(0)
    expect(upper).toEqual(lower)
    for (const entry of lower) expect(entry.message.toLowerCase()).toContain('remaining connection slots')
  })

  it('keeps only entries at or above minSeverity, and the same entries as an unfiltered query', async () => {
    const all = await fleet.logs({ service: 'payment-api', ...windowBeforeNow(40), limit: 100_000 })
    const warnings = await fleet.logs({ service: 'payment-api', ...windowBeforeNow(40), minSeverity: 'WARNING', limit: 100_000 })
    expect(all.some((e) => e.severity === 'DEBUG')).toBe(true)
    expect(warnings.length).toBeGreaterThan(0)
    expect(warnings.every((e) => RANK[e.severity] >= RANK.WARNING)).toBe(true)
    expect(warnings).toEqual(all.filter((e) => RANK[e.severity] >= RANK.WARNING))
  })

  it('writes background lines at a traffic-shaped rate with varying ids', async () => {
    const quiet = new SyntheticTelemetry({ seed: 4 })
    const entries = await quiet.logs({ service: 'payment-api', ...windowBeforeNow(60), minSeverity: 'INFO', limit: 100_000 })
    expect(entries.length).toBeGreaterThan(200)
    expect(entries.length).toBeLessThan(2_000)
    expect(new Set(entries.map((e) => e.message)).size).toBeGreaterThan(entries.length * 0.9)
  })

  it('writes no timeout, OOM or quota lines when nothing is injected', async () => {
    const quiet = new SyntheticTelemetry({ seed: 4 })
    for (const { name } of await quiet.services()) {
      const entries = await quiet.logs({ service: name, ...windowBeforeNow(24 * 60), minSeverity: 'WARNING', limit: 100_000 })
      for (const entry of entries) expect(entry.message).not.toMatch(/timeout|timed out|deadline|oom|out of memory|resource_exhausted|quota|deployed revision/i)
    }
  })

  it('returns background error groups with stable ids', async () => {
    const a = await new SyntheticTelemetry({ seed: 4 }).errors({ service: 'checkout-api', ...windowBeforeNow(24 * 60) })
    const b = await new SyntheticTelemetry({ seed: 5 }).errors({ service: 'checkout-api', ...windowBeforeNow(24 * 60) })
    expect(a.length).toBeGreaterThan(0)
    const idsByMessage = (groups: typeof a) => new Map(groups.map((g) => [g.message, g.groupId]))
    for (const [message, id] of idsByMessage(a)) if (idsByMessage(b).has(message)) expect(idsByMessage(b).get(message)).toBe(id)
    for (const group of a) expect(group.firstSeen.getTime()).toBeLessThanOrEqual(group.lastSeen.getTime())
  })
})
