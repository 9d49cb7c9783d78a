import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { claimEpisode, type WarningClaimsPort } from '../../src/core/analysis/scan/warning-claims'
import { MemoryWarningClaims } from '../../src/integrations/claims/memory-warning-claims'
import { RedisWarningClaims } from '../../src/integrations/claims/redis-warning-claims'
import { TEST_REDIS_URL } from '../support/services'

const MINUTE = 60_000
const redis = new RedisWarningClaims(TEST_REDIS_URL, `test-claims-${randomBytes(4).toString('hex')}`)
afterAll(async () => redis.close())

describe.each<[string, WarningClaimsPort]>([
  ['in Redis', redis],
  ['in memory', new MemoryWarningClaims()],
])('warning claims %s', (_name, claims) => {
  it('are given back only by their holder', async () => {
    const key = `checkout-db:memory_utilization:${randomBytes(4).toString('hex')}`
    expect(await claims.claim(key, 'job-1', 60 * MINUTE)).toBe(true)
    await claims.release(key, 'job-2')
    expect(await claims.claim(key, 'job-2', 60 * MINUTE)).toBe(false)
    await claims.release(key, 'job-1')
    expect(await claims.claim(key, 'job-2', 60 * MINUTE)).toBe(true)
    expect(await claims.claim(key, 'job-1', 60 * MINUTE)).toBe(false)
  })

  it('know an episode again when the next scan dates its onset a few minutes apart, and a later one as new', async () => {
    const slot = `checkout-db:memory_utilization:${randomBytes(4).toString('hex')}`
    const onset = new Date('2026-03-10T14:14:00Z')
    const first = await claimEpisode(claims, slot, onset, 'scan-1', 24 * 60 * MINUTE)
    expect(first).toHaveLength(3)
    expect(await claimEpisode(claims, slot, onset, 'scan-1', 24 * 60 * MINUTE)).toEqual(first)
    for (const shift of [-3, 2, 9]) expect(await claimEpisode(claims, slot, new Date(onset.getTime() + shift * MINUTE), 'scan-2', 24 * 60 * MINUTE)).toBeNull()
    // Nothing the refused scans took was kept: the first holder's claim is whole, a new episode an hour on is free.
    expect(await claimEpisode(claims, slot, new Date(onset.getTime() + 60 * MINUTE), 'scan-3', 24 * 60 * MINUTE)).toHaveLength(3)
  })
})
