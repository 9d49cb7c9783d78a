import { MINUTE_MS } from '../../durations'
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
  /** As claim, telling a key taken now ('taken') from one the holder already had ('held'). */
  take(key: string, holder: string, ttlMs: number): Promise<'taken' | 'held' | 'refused'>
  /** Gives `key` up if `holder` still holds it (a warning that could not be posted must not hold its slot). */
  release(key: string, holder: string): Promise<void>
  close(): Promise<void>
}

/**
 * Onsets are claimed by 5-minute cell with the cells either side: each scan scores a window that
 * has moved, so the same episode can be dated a point or two apart (under 5 minutes apart always
 * collides, 10 minutes or more never does).
 */
const ONSET_CELL_MS = 5 * MINUTE_MS

/**
 * Claims an anomaly episode of `slot` for `holder`, unless another holder warned of an episode
 * dated within a few minutes of this one (the same episode, dated again). Returns the keys this
 * call took (those a failed warning gives back; keys the holder already had stay), or null when
 * the episode is another holder's.
 */
export async function claimEpisode(claims: WarningClaimsPort, slot: string, onsetAt: Date, holder: string, ttlMs: number): Promise<string[] | null> {
  const cell = Math.floor(onsetAt.getTime() / ONSET_CELL_MS)
  const taken: string[] = []
  for (const key of [cell - 1, cell, cell + 1].map((c) => `${slot}:onset-cell:${c}`)) {
    const outcome = await claims.take(key, holder, ttlMs)
    if (outcome === 'refused') {
      for (const k of taken) await claims.release(k, holder)
      return null
    }
    if (outcome === 'taken') taken.push(key)
  }
  return taken
}
