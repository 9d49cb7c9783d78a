import { jobIdFor } from '../jobs/job-queue'

export interface HomeRefreshSettings {
  /** At most one publish per person per this many seconds; changes within one window make one refresh. */
  minSeconds: number
  /** views.publish calls per minute across everyone. */
  publishesPerMinute: number
}

/**
 * The refresh job for changes made at `now`: one per window of `minSeconds` (its id names the window, so every change
 * in it enqueues the same job), run when the window ends. A change during a run falls in the next window.
 */
export function homeRefreshJob(now: Date, minSeconds: number): { jobId: string; delayMs: number } {
  const windowMs = minSeconds * 1000
  const window = Math.floor(now.getTime() / windowMs)
  return { jobId: jobIdFor('home-refresh', window), delayMs: (window + 1) * windowMs - now.getTime() }
}

/** How many dashboards one run may publish so that runs every `minSeconds` stay under `publishesPerMinute` (at least one). */
export function publishesPerRun(settings: HomeRefreshSettings): number {
  return Math.max(1, Math.floor((settings.publishesPerMinute * settings.minSeconds) / 60))
}
