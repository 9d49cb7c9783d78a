import { nextSlot, type ChannelPacing, type PacingRate } from '../../slack/channel-pacing'

/** Pacing for embedded mode, where one process does all the posting. */
export class MemoryChannelPacing implements ChannelPacing {
  private readonly tats = new Map<string, number>()

  constructor(
    private readonly rate: PacingRate,
    private readonly now: () => number = Date.now,
  ) {}

  async reserve(channel: string): Promise<number> {
    if (this.rate.intervalMs === 0) return 0
    const { tat, waitMs } = nextSlot(this.tats.get(channel) ?? 0, this.now(), this.rate)
    this.tats.set(channel, tat)
    return waitMs
  }

  async holdUntil(channel: string, untilMs: number): Promise<void> {
    // Past the hold the channel starts again with one send, not a fresh burst.
    const held = untilMs + this.rate.intervalMs * (this.rate.burst - 1)
    this.tats.set(channel, Math.max(this.tats.get(channel) ?? 0, held))
  }

  async close(): Promise<void> {
    this.tats.clear()
  }
}
