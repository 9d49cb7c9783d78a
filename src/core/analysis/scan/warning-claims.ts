/**
 * Who may warn about a (service, metric) now: the first scan to claim it holds it for the cooldown,
 * so two workers scanning at once, or a later scan, do not warn twice.
 */
export interface WarningClaimsPort {
  /**
   * Takes `key` for `ttlMs` if nobody holds it. True when `holder` holds it afterwards — newly, or
   * already (a retried job claims again under the same holder and must be let through).
   */
  claim(key: string, holder: string, ttlMs: number): Promise<boolean>
  /** Gives `key` up if `holder` still holds it (a warning that could not be posted must not hold its slot). */
  release(key: string, holder: string): Promise<void>
  close(): Promise<void>
}

/** Onsets are claimed by cell, so a detector that dates the same episode a little differently on the next scan still finds it claimed. */
const ONSET_CELL_MS = 15 * 60_000

/**
 * Claims an anomaly episode of `slot` for `holder`, unless another holder warned of an episode
 * whose onset lies within about one cell (15 min) of this one: each scan scores a window that has
 * moved, so the same episode's onset can shift by a point or two. Episodes 45 minutes or more
 * apart are told apart. Returns the keys taken, or null when the episode is another holder's.
 */
export async function claimEpisode(claims: WarningClaimsPort, slot: string, onsetAt: Date, holder: string, ttlMs: number): Promise<string[] | null> {
  const cell = Math.floor(onsetAt.getTime() / ONSET_CELL_MS)
  const keys = [cell - 1, cell, cell + 1].map((c) => `${slot}:onset-cell:${c}`)
  const taken: string[] = []
  for (const key of keys) {
    if (!(await claims.claim(key, holder, ttlMs))) {
      for (const k of taken) await claims.release(k, holder)
      return null
    }
    taken.push(key)
  }
  return taken
}
