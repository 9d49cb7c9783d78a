import type { JobData } from '../../core/jobs/job-queue'
import { getThreadIncident } from '../../storage/repositories/incident-lifecycle'
import { requestHomeRefresh } from '../../storage/repositories/home-viewers'
import { storedProgress } from '../incident-storm'
import type { WorkerDeps } from '../worker-deps'

/** A person changed the incident (acknowledged, posted an update, changed its severity or commander): its root message shows it as stored. */
export async function processIncidentRefreshRoot(deps: WorkerDeps, data: JobData<'incident.refresh-root'>): Promise<void> {
  const incident = await getThreadIncident(deps.db, data.incidentId)
  // Every change a person makes to an incident comes here: the Home dashboards show it too.
  await requestHomeRefresh(deps)
  // Deleted meanwhile, or no thread yet (its analysis posts the root message with what is stored then).
  if (!incident?.slackChannel || !incident.slackTs) return
  await deps.thread.showIncidentProgress(incident, await storedProgress(deps, incident))
}
