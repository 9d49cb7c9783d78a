import type { NormalizedAlert } from '../core/incidents/types'
import type { Database } from '../storage/database'
import { recordAlerts } from '../storage/repositories/incident-alerts'
import { jobIdFor, type JobQueue } from '../core/jobs/job-queue'

export interface IngestedAlert {
  fingerprint: string
  outcome: 'opened' | 'updated' | 'resolved' | 'orphan'
  incident: { id: string; number: number } | null
}

/**
 * Turns accepted alerts into incidents and queues the follow-up work: analysis for
 * a new incident, the resolved notice for a closed one. A repeat only counts.
 */
export async function ingestAlerts(db: Database, queue: JobQueue, alerts: NormalizedAlert[], rawBody: unknown): Promise<IngestedAlert[]> {
  const results: IngestedAlert[] = []
  const recorded = await recordAlerts(db, alerts, rawBody)
  for (const [i, alert] of alerts.entries()) {
    const { incident, outcome } = recorded[i]!
    if (incident && outcome === 'opened') await queue.enqueue('incident.analyze', { incidentId: incident.id }, { jobId: jobIdFor('analyze', incident.id) })
    if (incident && outcome === 'resolved')
      await queue.enqueue('incident.announce-resolution', { incidentId: incident.id }, { jobId: jobIdFor('resolved', incident.id) })
    results.push({ fingerprint: alert.fingerprint, outcome, incident: incident ? { id: incident.id, number: incident.number } : null })
  }
  return results
}
