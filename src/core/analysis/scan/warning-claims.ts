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
