import { describe, expect, it } from 'vitest'
import { SyntheticTelemetry } from '../../../../../src/integrations/telemetry/synthetic'

const start = new Date('2026-03-04T03:00:00.000Z')
const end = new Date('2026-03-04T03:40:00.000Z')
const window = { start: new Date(start.getTime() - 2 * 3_600_000), end: new Date(end.getTime() + 600_000) }

describe('SyntheticTelemetry.changeEvents', () => {
  const fleet = () =>
    new SyntheticTelemetry({
      injections: [
        { kind: 'bad-deploy', service: 'checkout-api', start, end },
        { kind: 'connection-pool-exhaustion', service: 'checkout-db', start },
      ],
    })

  it('reports the bad deploy its story starts with and the rollback that ends it, on that service only, the same on every read', async () => {
    const changes = await fleet().changeEvents({ service: 'checkout-api', ...window })
    expect(changes.map((c) => [c.kind, c.at.toISOString()])).toEqual([
      ['deploy', start.toISOString()],
      ['rollback', end.toISOString()],
    ])
    expect(changes[0]!.description).toMatch(/^Deployed revision checkout-api-\d{5}-\w+ of checkout-api to production/)
    expect(await fleet().changeEvents({ service: 'checkout-api', ...window })).toEqual(changes)
    expect(await fleet().changeEvents({ service: 'checkout-db', ...window })).toEqual([])
  })

  it('dates the release that brought a memory leak in shortly before memory climbs, and the fix at its end', async () => {
    const leak = new SyntheticTelemetry({ injections: [{ kind: 'memory-leak', service: 'inventory', start, end }] })
    const changes = await leak.changeEvents({ service: 'inventory', ...window })
    expect(changes.map((c) => c.kind)).toEqual(['deploy', 'deploy'])
    const before = start.getTime() - changes[0]!.at.getTime()
    expect(before).toBeGreaterThanOrEqual(3 * 60_000)
    expect(before).toBeLessThanOrEqual(12 * 60_000)
    expect(changes[1]!).toMatchObject({ at: end, description: expect.stringContaining('fix for the leak of inventory-') })
  })

  it('keeps to the window asked for, and refuses an unknown service', async () => {
    expect(await fleet().changeEvents({ service: 'checkout-api', start: new Date(start.getTime() + 1), end: window.end })).toHaveLength(1)
    await expect(fleet().changeEvents({ service: 'nope', ...window })).rejects.toThrow(/nope/)
  })
})
