import { Redis } from 'ioredis'
import type { SeenSignatures } from '../../slack/replay/seen-signatures'

/** Seen Slack request signatures in Redis, shared by every bot replica: SET NX PX marks one atomically. */
export class RedisSeenSignatures implements SeenSignatures {
  private readonly redis: Redis

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    // Lazy: workers build the same runtime and never see a Slack request; bounded, so a Redis outage cannot hold a request past Slack's 3 s.
    this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 1000 })
    // Each failed command rejects, and the replay guard logs it; the connection's own errors would only repeat that.
    this.redis.on('error', () => {})
  }

  async markSeen(signature: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:slack-signature:${signature}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK'
  }

  async close(): Promise<void> {
    if (this.redis.status === 'wait') this.redis.disconnect()
    else await this.redis.quit().catch(() => undefined)
  }
}
