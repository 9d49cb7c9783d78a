import type { JobData } from '../../core/jobs/job-queue'
import { getIncident } from '../../storage/repositories/incidents'
import { requestHomeRefresh } from '../../storage/repositories/home-viewers'
import { threadIncidentOf } from '../incident-root'
import { storedProgress } from '../incident-storm'
import type { WorkerDeps } from '../worker-deps'

/** A person changed the incident (acknowledged, posted an update, changed its severity or commander): its root message shows it as stored. */
export async function processIncidentRefreshRoot(deps: WorkerDeps, data: JobData<'incident.refresh-root'>): Promise<void> {
  const incident = await getIncident(deps.db, data.incidentId)
  // Every change a person makes to an incident comes here: the Home dashboards show it too.
  await requestHomeRefresh(deps)
  // Deleted meanwhile, or no thread yet (its analysis posts the root message with what is stored then).
  if (!incident?.slackChannel || !incident.slackTs) return
  await deps.thread.showIncidentProgress(await threadIncidentOf(deps, incident), await storedProgress(deps, incident))
}
