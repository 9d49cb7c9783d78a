import { withDeadline } from '../../core/deadline'
import { DAY_MS, MINUTE_MS } from '../../core/durations'
import { errorMessage } from '../../core/errors'
import type { ScoredWarning } from '../../core/warnings/proactive-warning'
import { decideWarning, hasRecovered } from '../../core/warnings/score-warning'
import { decideProactiveWarning, listIncidentsStarted, listOpenWarnings } from '../../storage/repositories/proactive-warnings'
import type { WorkerDeps } from '../worker-deps'

/** A warning still open a week after its onset is left open: its metric is no longer re-read. */
const SCORED_FOR_MS = 7 * DAY_MS
/** Warnings scored per run, oldest first; the next scan's run takes the rest. */
const SCORED_PER_RUN = 200
/** Minutes of points re-read to judge recovery: the forecast's fit needs its 15-minute window whole. */
const RECOVERY_READ_MINUTES = 30
const READ_DEADLINE_MS = 10_000

/**
 * Scores the open proactive warnings (enqueued by every telemetry scan): confirmed by the first
 * incident within the horizon on the service or a direct caller, a false alarm once the horizon
 * passed without one and the metric (re-read through the telemetry port) has recovered, open
 * otherwise. Each decision is stored only on a warning still open, so a retry or a second run
 * at the same time decides each warning once.
 */
export async function processWarningsScore(deps: WorkerDeps, meta: { jobId: string }): Promise<void> {
  const log = deps.logger.child({ job: meta.jobId, queue: 'warnings.score' })
  const now = deps.now()
  const open = await listOpenWarnings(deps.db, { notBefore: new Date(now.getTime() - SCORED_FOR_MS), limit: SCORED_PER_RUN })
  if (open.length === 0) return
  const earliest = new Date(Math.min(...open.map((w) => w.onsetAt.getTime())))
  const incidents = await listIncidentsStarted(deps.db, earliest, now)
  const tally = { open: open.length, confirmed: 0, falseAlarms: 0, unreadable: 0 }
  for (const warning of open) {
    let decision = decideWarning(warning, incidents, now, null)
    if (decision.status === 'open' && decision.awaiting === 'recovery') {
      const recovered = await readRecovery(deps, warning, now).catch((err: unknown) => {
        log.warn({ warning: warning.id, service: warning.service, metric: warning.metric, reason: errorMessage(err) }, 'warning scoring: metric not read')
        return null
      })
      if (recovered === null) tally.unreadable++
      decision = decideWarning(warning, incidents, now, recovered)
    }
    if (decision.status === 'open') continue
    if (await decideProactiveWarning(deps.db, warning.id, decision, now)) {
      if (decision.status === 'confirmed') tally.confirmed++
      else tally.falseAlarms++
    }
  }
  log.info(tally, 'warnings scored')
}

async function readRecovery(deps: WorkerDeps, warning: ScoredWarning, now: Date): Promise<boolean | null> {
  const series = await withDeadline(
    deps.telemetry.metrics({
      service: warning.service,
      metric: warning.metric,
      start: new Date(now.getTime() - RECOVERY_READ_MINUTES * MINUTE_MS),
      end: now,
      stepSeconds: 60,
    }),
    READ_DEADLINE_MS,
    `${warning.service} ${warning.metric}`,
  )
  return hasRecovered(warning, series.points, now)
}
