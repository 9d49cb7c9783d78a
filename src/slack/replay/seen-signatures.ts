/**
 * Remembers the signatures of the Slack requests already served: Slack signs each delivery once,
 * so a signature seen again inside the 5-minute window is a replay. Shared by the bot replicas
 * through Redis; in memory when there is one process.
 */
export interface SeenSignatures {
  /** True the first time `signature` is offered within `ttlMs`; false for a repeat. */
  markSeen(signature: string, ttlMs: number): Promise<boolean>
  close(): Promise<void>
}

// Expired entries are dropped at most this often, so the map stays bounded by one window of traffic.
const SWEEP_EVERY_MS = 60_000

/** One process's memory of the signatures it served. */
export class MemorySeenSignatures implements SeenSignatures {
  private readonly expiresAt = new Map<string, number>()
  private nextSweep = 0

  constructor(private readonly now: () => number = Date.now) {}

  async markSeen(signature: string, ttlMs: number): Promise<boolean> {
    const now = this.now()
    if (now >= this.nextSweep) {
      for (const [key, expires] of this.expiresAt) if (expires <= now) this.expiresAt.delete(key)
      this.nextSweep = now + SWEEP_EVERY_MS
    }
    const expires = this.expiresAt.get(signature)
    if (expires !== undefined && expires > now) return false
    this.expiresAt.set(signature, now + ttlMs)
    return true
  }

  async close(): Promise<void> {
    this.expiresAt.clear()
  }
}
