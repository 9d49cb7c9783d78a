import { Redis } from 'ioredis'
import type { WarningClaimsPort } from '../../core/analysis/scan/warning-claims'

const RELEASE_IF_HELD = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

/** Claims in Redis, shared by every worker replica: SET NX PX takes a slot atomically. */
export class RedisWarningClaims implements WarningClaimsPort {
  private readonly redis: Redis

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    // Lazy: bot processes build the same runtime and never claim anything.
    this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 })
  }

  async claim(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.take(key, holder, ttlMs)) !== 'refused'
  }

  async take(key: string, holder: string, ttlMs: number): Promise<'taken' | 'held' | 'refused'> {
    const redisKey = `${this.prefix}:warning-claim:${key}`
    if ((await this.redis.set(redisKey, holder, 'PX', ttlMs, 'NX')) === 'OK') return 'taken'
    return (await this.redis.get(redisKey)) === holder ? 'held' : 'refused'
  }

  async release(key: string, holder: string): Promise<void> {
    // Compare and delete in one step: a claim that expired and was taken by another scan stays theirs.
    await this.redis.eval(RELEASE_IF_HELD, 1, `${this.prefix}:warning-claim:${key}`, holder)
  }

  async close(): Promise<void> {
    if (this.redis.status === 'wait') this.redis.disconnect()
    else await this.redis.quit().catch(() => undefined)
  }
}
