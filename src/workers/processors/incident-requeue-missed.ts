import { DAY_MS, MINUTE_MS } from '../../core/durations'
import { analyzeJobId, sweptResolutionJobId } from '../../core/jobs/job-queue'
import { listMissedFollowUps } from '../../storage/repositories/missed-follow-ups'
import type { WorkerDeps } from '../worker-deps'

/** An incident younger than this still has its own job on the way. */
export const REQUEUE_GRACE_MS = MINUTE_MS
/** Older incidents are history: a new deployment does not post a backlog of them. */
export const REQUEUE_LOOKBACK_MS = DAY_MS
/** Far longer than an analysis takes: a "running" analysis this old has lost its job. */
export const REQUEUE_STALE_ANALYSIS_MS = 15 * MINUTE_MS
const REQUEUE_BATCH = 200

/**
 * Scheduled sweep: enqueues the analysis or resolved notice of incidents stored without their job (process died
 * between commit and enqueue, Redis down or flushed, also mid-analysis). The same job ids as ingest's, so a job still queued is not doubled.
 */
export async function processIncidentRequeueMissed(deps: Pick<WorkerDeps, 'db' | 'queue' | 'logger' | 'now'>): Promise<void> {
  const now = deps.now().getTime()
  const missed = await listMissedFollowUps(deps.db, {
    since: new Date(now - REQUEUE_LOOKBACK_MS),
    before: new Date(now - REQUEUE_GRACE_MS),
    runningSince: new Date(now - REQUEUE_STALE_ANALYSIS_MS),
    limit: REQUEUE_BATCH,
  })
  for (const incidentId of missed.toAnalyze) await deps.queue.enqueue('incident.analyze', { incidentId }, { jobId: analyzeJobId(incidentId) })
  for (const incidentId of missed.toAnnounce)
    await deps.queue.enqueue('incident.announce-resolution', { incidentId }, { jobId: sweptResolutionJobId(incidentId) })
  if (missed.toAnalyze.length + missed.toAnnounce.length > 0)
    deps.logger.warn({ analyze: missed.toAnalyze, announce: missed.toAnnounce }, 'queued the follow-up of incidents stored without their job')
}
