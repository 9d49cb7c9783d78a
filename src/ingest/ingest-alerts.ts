import type { NormalizedAlert } from '../core/incidents/types'
import type { Database } from '../storage/database'
import { recordAlerts } from '../storage/repositories/incident-alerts'
import { analyzeJobId, resolutionJobId, type JobQueue } from '../core/jobs/job-queue'

export interface IngestedAlert {
  fingerprint: string
  outcome: 'opened' | 'updated' | 'resolved' | 'orphan'
  incident: { id: string; number: number } | null
}

export interface IngestResult {
  results: IngestedAlert[]
  /** Why the follow-up jobs could not be queued; the stored incidents are picked up by the incident.requeue-missed sweep. */
  queueError: unknown
}

/**
 * Turns accepted alerts into incidents and queues the follow-up work: analysis for
 * a new incident, the resolved notice for a closed one. A repeat only counts.
 * A stored alert stays accepted when the queue is down: the sweep enqueues its job later.
 */
export async function ingestAlerts(db: Database, queue: JobQueue, alerts: NormalizedAlert[], rawBody: unknown): Promise<IngestResult> {
  const results: IngestedAlert[] = []
  let queueError: unknown = null
  // After one failed enqueue the rest of the batch is left to the sweep, so a batch waits for one deadline, not one per alert.
  const enqueue: JobQueue['enqueue'] = async (...args) => {
    if (queueError) return
    await queue.enqueue(...args).catch((err: unknown) => {
      queueError = err
    })
  }
  const recorded = await recordAlerts(db, alerts, rawBody)
  for (const [i, alert] of alerts.entries()) {
    const { incident, outcome } = recorded[i]!
    if (incident && outcome === 'opened') await enqueue('incident.analyze', { incidentId: incident.id }, { jobId: analyzeJobId(incident.id) })
    if (incident && outcome === 'resolved') await enqueue('incident.announce-resolution', { incidentId: incident.id }, { jobId: resolutionJobId(incident.id) })
    results.push({ fingerprint: alert.fingerprint, outcome, incident: incident ? { id: incident.id, number: incident.number } : null })
  }
  return { results, queueError }
}
