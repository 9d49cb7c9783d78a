import { Redis } from 'ioredis'
import type { ChannelPacing, PacingRate } from '../../slack/channel-pacing'

// nextSlot() of slack/channel-pacing.ts, atomic across replicas; the key expires once the channel is idle.
const RESERVE = `
local now = tonumber(ARGV[1]); local interval = tonumber(ARGV[2]); local burst = tonumber(ARGV[3])
local tat = math.max(tonumber(redis.call('get', KEYS[1]) or '0'), now) + interval
redis.call('set', KEYS[1], tat, 'PX', math.max(1, tat - now))
return math.max(0, tat - now - burst * interval)`

const HOLD = `
local now = tonumber(ARGV[1]); local held = tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('get', KEYS[1]) or '0'), held)
redis.call('set', KEYS[1], tat, 'PX', math.max(1, tat - now))
return 0`

/** Pacing shared by every bot and worker replica: one GCRA timestamp per channel in Redis. */
export class RedisChannelPacing implements ChannelPacing {
  private readonly redis: Redis

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly rate: PacingRate,
    private readonly now: () => number = Date.now,
  ) {
    this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 })
  }

  async reserve(channel: string): Promise<number> {
    if (this.rate.intervalMs === 0) return 0
    return Number(await this.redis.eval(RESERVE, 1, this.key(channel), this.now(), this.rate.intervalMs, this.rate.burst))
  }

  async holdUntil(channel: string, untilMs: number): Promise<void> {
    await this.redis.eval(HOLD, 1, this.key(channel), this.now(), untilMs + this.rate.intervalMs * (this.rate.burst - 1))
  }

  async close(): Promise<void> {
    if (this.redis.status === 'wait') this.redis.disconnect()
    else await this.redis.quit().catch(() => undefined)
  }

  private key(channel: string): string {
    return `${this.prefix}:slack-pace:${channel}`
  }
}
