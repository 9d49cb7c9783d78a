import { describeBlueprintChange } from '../../core/blueprint/describe-blueprint-change'
import { declaredEdges } from '../../core/blueprint/blueprint-from-traces'
import { deriveEdges } from '../../core/blueprint/derive-edges'
import { mergeBlueprint } from '../../core/blueprint/merge-blueprint'
import { DAY_MS, MINUTE_MS } from '../../core/durations'
import { applyBlueprintMerge, hasBlueprintRun, listBlueprintChangesOfRun, listBlueprintEdges } from '../../storage/repositories/blueprint-edges'
import type { WorkerDeps } from '../worker-deps'

/** Whole traces read per refresh: three ListTraces pages of 100 on Cloud Trace (75 of the 300 Trace units a minute). */
export const BLUEPRINT_TRACE_SAMPLE = 300
// A refresh run by hand while the schedule is off still reads the last hour.
const UNSCHEDULED_WINDOW_MINUTES = 60
// Cloud Trace keeps traces 30 days; a day is plenty for any interval.
const MAX_WINDOW_MS = DAY_MS

/**
 * Reads a sample of the traces since the last refresh, derives who calls whom, merges it with the
 * declared topology into the stored blueprint (new edges, traffic, retirements past the TTL) and
 * posts what changed in one message. One refresh at a time; a retry of a refresh that was stored
 * posts what that refresh stored instead of merging again, and the post is made once per job.
 */
export async function processBlueprintRefresh(deps: WorkerDeps, meta: { jobId: string }): Promise<void> {
  const log = deps.logger.child({ job: meta.jobId, queue: 'blueprint.refresh' })
  const sampleTraces = deps.telemetry.sampleTraces?.bind(deps.telemetry)
  if (!sampleTraces) return log.warn({ provider: deps.telemetry.name }, 'blueprint refresh skipped: the telemetry provider gives no whole traces')
  const outcome = await deps.tryWithLock('blueprint.refresh', async () => {
    if (await hasBlueprintRun(deps.db, meta.jobId)) return { changes: await listBlueprintChangesOfRun(deps.db, meta.jobId), retried: true }
    const now = deps.now()
    const windowMs = Math.min(MAX_WINDOW_MS, (deps.config.BLUEPRINT_INTERVAL_MINUTES || UNSCHEDULED_WINDOW_MINUTES) * MINUTE_MS)
    const [traces, services, stored] = await Promise.all([
      sampleTraces({ start: new Date(now.getTime() - windowMs), end: now, limit: BLUEPRINT_TRACE_SAMPLE }),
      deps.telemetry.services(),
      listBlueprintEdges(deps.db, { includeRetired: true }),
    ])
    const observed = deriveEdges(traces)
    const declared = declaredEdges(services)
    const merge = mergeBlueprint(stored, observed, declared, { now, ttlDays: deps.config.BLUEPRINT_EDGE_TTL_DAYS, windowMs })
    await applyBlueprintMerge(deps.db, meta.jobId, now, merge)
    log.info(
      { traces: traces.length, observed: observed.length, declared: declared.length, writes: merge.writes.length, changes: merge.changes.length },
      'blueprint refreshed',
    )
    return { changes: merge.changes, retried: false }
  })
  if (!outcome.ran) return log.info('blueprint refresh skipped: another refresh is running')
  const { changes, retried } = outcome.value
  const channel = deps.config.BLUEPRINT_CHANNEL
  if (changes.length === 0 || !channel) return
  await deps.thread.postBlueprintChanges(
    meta.jobId,
    channel,
    changes.map((c) => ({ kind: c.kind, line: describeBlueprintChange(c, deps.now()) })),
  )
  if (retried) log.info({ changes: changes.length }, 'blueprint changes posted on retry')
}
