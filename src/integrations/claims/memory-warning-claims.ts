import type { WarningClaimsPort } from '../../core/analysis/scan/warning-claims'

const PRUNE_ABOVE = 1_000

/** Claims for embedded mode, where one process runs every job. */
export class MemoryWarningClaims implements WarningClaimsPort {
  private readonly held = new Map<string, { holder: string; until: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.take(key, holder, ttlMs)) !== 'refused'
  }

  async take(key: string, holder: string, ttlMs: number): Promise<'taken' | 'held' | 'refused'> {
    const now = this.now()
    // Episode claims accumulate; expired ones are dropped now and then so the map stays small.
    if (this.held.size > PRUNE_ABOVE) for (const [k, v] of this.held) if (v.until <= now) this.held.delete(k)
    const current = this.held.get(key)
    if (current && current.until > now) return current.holder === holder ? 'held' : 'refused'
    this.held.set(key, { holder, until: now + ttlMs })
    return 'taken'
  }

  async release(key: string, holder: string): Promise<void> {
    if (this.held.get(key)?.holder === holder) this.held.delete(key)
  }

  async close(): Promise<void> {
    this.held.clear()
  }
}
