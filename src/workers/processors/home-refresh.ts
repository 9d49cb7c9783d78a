import { homeRefreshJob, publishesPerRun } from '../../core/home/home-refresh'
import { MINUTE_MS, SECOND_MS } from '../../core/durations'
import { loadHomeDashboard } from '../../storage/repositories/home-dashboard'
import { claimStaleHomeViewers, countStaleHomeViewers, markHomeViewersStaleAgain } from '../../storage/repositories/home-viewers'
import { hasErrorCode } from '../../core/errors'
import type { WorkerDeps } from '../worker-deps'

/**
 * The end of a refresh window: publishes the stale dashboards of those who opened Home lately, each at most once per
 * HOME_REFRESH_MIN_SECONDS and no more per run than HOME_PUBLISHES_PER_MINUTE allows; those left over wait for the next window.
 */
export async function processHomeRefresh(deps: WorkerDeps, meta: { jobId: string }): Promise<void> {
  const now = deps.now()
  const { HOME_REFRESH_MIN_SECONDS: minSeconds, HOME_ACTIVE_MINUTES, HOME_PUBLISHES_PER_MINUTE } = deps.config
  const activeSince = new Date(now.getTime() - HOME_ACTIVE_MINUTES * MINUTE_MS)
  const users = await claimStaleHomeViewers(deps.db, {
    activeSince,
    publishedBefore: new Date(now.getTime() - minSeconds * SECOND_MS),
    now,
    limit: publishesPerRun({ minSeconds, publishesPerMinute: HOME_PUBLISHES_PER_MINUTE }),
  })
  for (const [index, userId] of users.entries()) {
    try {
      const dashboard = await loadHomeDashboard(deps.db, userId, {
        now,
        configuredApprovers: deps.config.APPROVERS,
        membersOf: (group) => deps.home.membersOf(group),
      })
      await deps.home.publish(dashboard)
    } catch (err) {
      if (hasErrorCode(err, 'home_publish_rate_limited')) {
        // Slack asks to slow down: this one and the rest of the run wait for the next window.
        deps.logger.warn({ err, users: users.length - index, job: meta.jobId }, 'views.publish rate limited; the Home refresh continues next window')
        await markHomeViewersStaleAgain(deps.db, users.slice(index), now)
        break
      }
      // Claimed, so not retried by this job: the next change or the next visit to Home shows the dashboard again.
      deps.logger.warn({ err, user: userId, job: meta.jobId }, 'could not publish the Home dashboard')
    }
  }
  if ((await countStaleHomeViewers(deps.db, activeSince)) === 0) return
  let next = homeRefreshJob(now, minSeconds)
  // Run a little early by the clock: the leftovers go to the window after this one, not to this job's own id.
  if (next.jobId === meta.jobId) {
    const after = homeRefreshJob(new Date(now.getTime() + next.delayMs), minSeconds)
    next = { jobId: after.jobId, delayMs: next.delayMs + after.delayMs }
  }
  await deps.queue.enqueue('home.refresh', {}, next)
}
