import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { WarningClaimsPort } from '../../src/core/analysis/scan/warning-claims'
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
})
