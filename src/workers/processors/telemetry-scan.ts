import { DAY_MS, MINUTE_MS } from '../../core/durations'
import { describeMetricWarning, type MetricWarning } from '../../core/analysis/scan/metric-warnings'
import { scanFleetMetrics } from '../../core/analysis/scan/scan-fleet-metrics'
import { claimEpisode } from '../../core/analysis/scan/warning-claims'
import { BlueprintTelemetry } from '../../core/blueprint/blueprint-telemetry'
import { errorMessage } from '../../core/errors'
import { jobIdFor } from '../../core/jobs/job-queue'
import type { ServiceNode } from '../../core/telemetry/port'
import { warningRecord } from '../../core/warnings/proactive-warning'
import { appendAudits, hasAuditForMessage } from '../../storage/repositories/audit'
import { listBlueprintEdges } from '../../storage/repositories/blueprint-edges'
import { recordProactiveWarnings } from '../../storage/repositories/proactive-warnings'
import type { WorkerDeps } from '../worker-deps'

// Longer than the scan's 4 h of history, after which an onset can no longer be seen again.
const EPISODE_MEMORY_MS = DAY_MS
// A scan run by hand while the schedule is off still looks this far back.
const UNSCHEDULED_RECENT_MINUTES = 5

/**
 * Scores every service's recent metrics and warns, in one message per scan, of each (service,
 * metric) not warned about within the cooldown: an anomaly episode not warned of before (by its
 * onset), or a saturation metric heading for its limit. The scan, each slot and each episode are
 * claimed under the job id, so a second worker scanning at the same time stays quiet and a retry
 * of this job finishes what it started; each warning is written to the audit log and to
 * proactive_warnings (once per message), and every scan enqueues the scoring of the open warnings.
 */
export async function processTelemetryScan(deps: WorkerDeps, meta: { jobId: string }): Promise<void> {
  const { config } = deps
  const log = deps.logger.child({ job: meta.jobId, queue: 'telemetry.scan' })
  const channel = config.TELEMETRY_WARNING_CHANNEL ?? config.INCIDENT_CHANNEL
  if (!channel) return log.warn('telemetry scan skipped: no TELEMETRY_WARNING_CHANNEL or INCIDENT_CHANNEL to warn in')
  // Two scans at once (a replica's manual run, a retry beside the next schedule) would split the warnings over two messages.
  const leaseMs = (Math.max(1, config.TELEMETRY_SCAN_INTERVAL_MINUTES) * MINUTE_MS) / 2
  if (!(await deps.warningClaims.claim('scan', meta.jobId, leaseMs))) return log.info('telemetry scan skipped: another scan is running')
  const now = deps.now()
  const scan = await scanFleetMetrics(deps.telemetry, {
    now,
    // One interval plus the minute a point takes to land: no run falls between two scans.
    recentMinutes: (config.TELEMETRY_SCAN_INTERVAL_MINUTES || UNSCHEDULED_RECENT_MINUTES) + 1,
    horizonMinutes: config.TELEMETRY_FORECAST_HORIZON_MINUTES,
  })
  if (scan.failed.length) log.warn({ failed: scan.failed.slice(0, 10), count: scan.failed.length }, 'telemetry scan: some series gave no answer')
  const cooldownMs = config.TELEMETRY_WARNING_COOLDOWN_MINUTES * MINUTE_MS
  const claimed: MetricWarning[] = []
  const heldKeys: string[] = []
  for (const warning of onePerMetric(scan.warnings)) {
    // An episode warned of is not announced again while it lasts; one that began during the slot's cooldown is, once the cooldown ends.
    const episodeKeys =
      warning.kind === 'anomaly' ? await claimEpisode(deps.warningClaims, slotOf(warning), warning.onsetAt, meta.jobId, EPISODE_MEMORY_MS) : []
    if (episodeKeys === null) continue
    if (await deps.warningClaims.claim(slotOf(warning), meta.jobId, cooldownMs)) {
      claimed.push(warning)
      heldKeys.push(slotOf(warning), ...episodeKeys)
    } else for (const k of episodeKeys) await deps.warningClaims.release(k, meta.jobId)
  }
  const summary = { scanned: scan.scanned, notExported: scan.notExported, failed: scan.failed.length, found: scan.warnings.length, warned: claimed.length }
  if (claimed.length === 0) {
    await enqueueScoring(deps, meta.jobId, log)
    return log.info(summary, 'telemetry scan done')
  }
  const views = claimed.map((warning) => {
    const from = warning.kind === 'anomaly' ? new Date(warning.onsetAt.getTime() - 60 * MINUTE_MS) : new Date(now.getTime() - 60 * MINUTE_MS)
    return { warning, consoleLink: deps.telemetry.links?.metric({ service: warning.service, metric: warning.metric, start: from, end: now }) ?? null }
  })
  let message: { channel: string; ts: string }
  try {
    message = await deps.thread.postTelemetryWarning(meta.jobId, channel, views, config.TELEMETRY_WARNING_COOLDOWN_MINUTES)
  } catch (err) {
    // Not posted: the slots go back, so the next scan warns instead of the cooldown passing in silence.
    if (!(await deps.thread.findTelemetryWarning(meta.jobId)))
      for (const k of [...heldKeys, 'scan']) await deps.warningClaims.release(k, meta.jobId).catch(() => undefined)
    throw err
  }
  const graph = await serviceGraph(deps).catch((err: unknown) => {
    log.warn({ reason: errorMessage(err) }, 'telemetry scan: no service graph, warnings cover their own service only')
    return [] as ServiceNode[]
  })
  // Written again by a retry, which the unique (message, service, metric) makes a no-op.
  await recordProactiveWarnings(
    deps.db,
    claimed.map((w) => ({
      ...warningRecord(w, { warnedAt: now, graph, forecastHorizonMinutes: config.TELEMETRY_FORECAST_HORIZON_MINUTES }),
      slackChannel: message.channel,
      slackTs: message.ts,
      jobId: meta.jobId,
    })),
  )
  await enqueueScoring(deps, meta.jobId, log)
  // A retry of a job that posted writes the entries it could not write then, once (one statement: all or none).
  if (await hasAuditForMessage(deps.db, 'telemetry.warning', message)) return log.info(summary, 'telemetry scan retried after posting')
  await appendAudits(
    deps.db,
    views.map(({ warning, consoleLink }) => ({
      actor: 'system',
      action: 'telemetry.warning',
      subjectType: 'metric',
      subjectId: slotOf(warning),
      details: { ...auditDetails(warning), summary: describeMetricWarning(warning), link: consoleLink, jobId: meta.jobId },
      slackChannel: message.channel,
      slackTs: message.ts,
    })),
  )
  log.info(summary, 'telemetry scan done')
}

/** The graph the analysis walks: the declared services merged with the blueprint's edges. */
async function serviceGraph(deps: WorkerDeps): Promise<ServiceNode[]> {
  return new BlueprintTelemetry(deps.telemetry, await listBlueprintEdges(deps.db)).services()
}

/** The scoring runs after every scan, once per scan; a queue that does not answer costs one round, not the scan. */
async function enqueueScoring(deps: WorkerDeps, scanJobId: string, log: WorkerDeps['logger']): Promise<void> {
  await deps.queue
    .enqueue('warnings.score', {}, { jobId: jobIdFor('warnings-score', scanJobId) })
    .catch((err: unknown) => log.warn({ reason: errorMessage(err) }, 'telemetry scan: warning scoring not enqueued'))
}

function slotOf(w: MetricWarning): string {
  return `${w.service}:${w.metric}`
}

/** A forecast says more than an anomaly on the same series (how long is left), so it wins. */
function onePerMetric(warnings: MetricWarning[]): MetricWarning[] {
  const bySlot = new Map<string, MetricWarning>()
  for (const w of warnings) {
    if (!bySlot.has(slotOf(w)) || w.kind === 'saturation') bySlot.set(slotOf(w), w)
  }
  return [...bySlot.values()]
}

function auditDetails(w: MetricWarning): Record<string, unknown> {
  return w.kind === 'anomaly'
    ? {
        kind: w.kind,
        service: w.service,
        metric: w.metric,
        onsetAt: w.onsetAt.toISOString(),
        lastAt: w.lastAt.toISOString(),
        score: w.score,
        signal: w.signal,
        points: w.points,
        value: w.value,
        valueBefore: Number.isFinite(w.valueBefore) ? w.valueBefore : null,
      }
    : {
        kind: w.kind,
        service: w.service,
        metric: w.metric,
        level: w.level,
        risePerMinute: w.risePerMinute,
        minutesToFull: w.minutesToFull,
        fullAt: w.fullAt.toISOString(),
      }
}
