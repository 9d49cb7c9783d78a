import { PermanentJobError } from '../../core/errors'
import { draftReview } from '../../core/incidents/review'
import type { JobData } from '../../core/jobs/job-queue'
import { loadReviewInput } from '../../storage/repositories/incident-review'
import { getIncident } from '../../storage/repositories/incidents'
import type { WorkerDeps } from '../worker-deps'

/** Drafts the incident's review from what is stored now and posts it in its thread, once per version. */
export async function processIncidentDraftReview(deps: WorkerDeps, data: JobData<'incident.draft-review'>): Promise<void> {
  const incident = await getIncident(deps.db, data.incidentId)
  if (!incident) throw new PermanentJobError(`incident ${data.incidentId} does not exist`)
  if (!incident.slackChannel || !incident.slackTs) return
  const review = draftReview(await loadReviewInput(deps.db, incident))
  await deps.thread.postReview(incident, review, data.version)
}
