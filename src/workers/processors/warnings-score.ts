import { withDeadline } from '../../core/deadline'
import { DAY_MS, MINUTE_MS } from '../../core/durations'
import { errorMessage } from '../../core/errors'
import type { MetricSeries } from '../../core/telemetry/port'
import type { ScoredWarning } from '../../core/warnings/proactive-warning'
import { decideWarning, hasRecovered } from '../../core/warnings/score-warning'
import { decideProactiveWarning, listIncidentsStarted, listOpenWarnings } from '../../storage/repositories/proactive-warnings'
import type { WorkerDeps } from '../worker-deps'

/** A warning still open a week after its onset is left open: its metric is no longer re-read. */
const SCORED_FOR_MS = 7 * DAY_MS
/** Warnings scored per run, oldest first; the next scan's run takes the rest. */
const SCORED_PER_RUN = 200
/** Series re-read per run, and at once: a fleet-wide failure past its horizon costs a few runs, not one long job. */
const READS_PER_RUN = 50
const READS_AT_ONCE = 8
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
  const decisions = open.map((w) => ({ warning: w, decision: decideWarning(w, incidents, now, null) }))
  const awaitingRecovery = decisions.filter((d) => d.decision.status === 'open' && d.decision.awaiting === 'recovery').map((d) => d.warning)
  const series = await readSeries(deps, awaitingRecovery, now, (w, err) =>
    log.warn({ service: w.service, metric: w.metric, reason: errorMessage(err) }, 'warning scoring: metric not read'),
  )
  const tally = { open: open.length, confirmed: 0, falseAlarms: 0, reread: series.size }
  for (const { warning, decision: first } of decisions) {
    const read = series.get(seriesKey(warning))
    const decision = read ? decideWarning(warning, incidents, now, hasRecovered(warning, read.points, now)) : first
    if (decision.status === 'open') continue
    if (await decideProactiveWarning(deps.db, warning.id, decision, now)) {
      if (decision.status === 'confirmed') tally.confirmed++
      else tally.falseAlarms++
    }
  }
  log.info(tally, 'warnings scored')
}

function seriesKey(w: Pick<ScoredWarning, 'service' | 'metric'>): string {
  return `${w.service}\u0000${w.metric}`
}

/** The last half hour of each warned series (once per series, however many warnings share it); those not read are left out. */
async function readSeries(
  deps: WorkerDeps,
  warnings: readonly ScoredWarning[],
  now: Date,
  onFailure: (w: ScoredWarning, err: unknown) => void,
): Promise<Map<string, MetricSeries>> {
  const distinct = [...new Map(warnings.map((w) => [seriesKey(w), w])).values()].slice(0, READS_PER_RUN)
  const read = new Map<string, MetricSeries>()
  for (let i = 0; i < distinct.length; i += READS_AT_ONCE) {
    await Promise.all(
      distinct.slice(i, i + READS_AT_ONCE).map(async (w) => {
        try {
          const query = { service: w.service, metric: w.metric, start: new Date(now.getTime() - RECOVERY_READ_MINUTES * MINUTE_MS), end: now, stepSeconds: 60 }
          read.set(seriesKey(w), await withDeadline(deps.telemetry.metrics(query), READ_DEADLINE_MS, `${w.service} ${w.metric}`))
        } catch (err) {
          onFailure(w, err)
        }
      }),
    )
  }
  return read
}
