import { collectDigest, type DigestPeriod } from '../../core/digest/compute-digest'
import { digestKey, scheduledDigestPeriod } from '../../core/digest/digest-period'
import type { JobData } from '../../core/jobs/job-queue'
import { loadDigestHistory, recordDigestCharts, recordPostedDigest } from '../../storage/repositories/digest-history'
import type { WorkerDeps } from '../worker-deps'

/**
 * Computes the trend digest of the period, posts it in the channel (once per period and channel: a retry or a
 * second replica finds the message posted under the same key), stores it, then uploads its charts in the
 * message's thread unless that was done already.
 */
export async function processDigestPost(deps: WorkerDeps, data: JobData<'digest.post'>, meta: { jobId: string }): Promise<void> {
  const log = deps.logger.child({ job: meta.jobId, queue: 'digest.post' })
  const channel = data.channel ?? deps.config.DIGEST_CHANNEL ?? deps.config.INCIDENT_CHANNEL
  if (!channel) return log.warn('digest not posted: neither DIGEST_CHANNEL nor INCIDENT_CHANNEL is set')
  const timeZone = deps.config.DIGEST_TIMEZONE
  const period: DigestPeriod =
    data.since !== undefined && data.until !== undefined
      ? { since: new Date(data.since), until: new Date(data.until), timeZone }
      : scheduledDigestPeriod(deps.now(), timeZone)
  const { digest, charts } = await collectDigest((window) => loadDigestHistory(deps.db, window), period)
  const key = digestKey(period, channel)
  const posted = await deps.thread.postDigest(key, channel, digest)
  const stored = await recordPostedDigest(
    deps.db,
    { key, since: period.since, until: period.until, timeZone, channel: posted.channel, ts: posted.ts, figures: digest },
    deps.now(),
  )
  log.info({ channel: posted.channel, ts: posted.ts, incidents: digest.incidents.total.current, period: digest.period.label }, 'digest posted')
  if (stored.chartsUploadedAt !== null) return
  if (!deps.renderDigestCharts) return log.info('digest charts not uploaded: no chart renderer in this process')
  const rendered = await deps.renderDigestCharts(charts)
  const fileIds = await deps.thread.uploadDigestCharts(posted, rendered, digest.period.label)
  await recordDigestCharts(deps.db, key, fileIds, deps.now())
  log.info({ files: fileIds.length }, 'digest charts uploaded')
}
