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
    const day = 24 * 60 * MINUTE
    expect(await claimEpisode(claims, slot, onset, 'scan-1', day)).toHaveLength(3)
    // Its retry holds them already: nothing newly taken, so nothing a failure would give back.
    expect(await claimEpisode(claims, slot, onset, 'scan-1', day)).toEqual([])
    for (const shift of [-3, 2, 4]) expect(await claimEpisode(claims, slot, new Date(onset.getTime() + shift * MINUTE), 'scan-2', day)).toBeNull()
    // The first holder's retry dating it a cell later takes one new key: all that a failure of that retry would give back.
    const later = await claimEpisode(claims, slot, new Date(onset.getTime() + 4 * MINUTE), 'scan-1', day)
    expect(later).toHaveLength(1)
    // An episode starting a quarter of an hour later is another episode.
    expect(await claimEpisode(claims, slot, new Date(onset.getTime() + 21 * MINUTE), 'scan-3', day)).toHaveLength(3)
    for (const k of later!) await claims.release(k, 'scan-1')
    expect(await claimEpisode(claims, slot, onset, 'scan-2', day)).toBeNull()
  })
})
