import type { JobData } from '../../core/jobs/job-queue'
import { listStormMembers } from '../../storage/repositories/incident-storms'
import { getIncidentOrThrow, updateIncident } from '../../storage/repositories/incidents'
import { ensureIncidentRoot, threadIncidentOf } from '../incident-root'
import { enqueueStormRedraw, STORM_PAGE_SIZE, storedProgress } from '../incident-storm'
import type { WorkerDeps } from '../worker-deps'

/**
 * Redraws a storm in its first incident's thread: the list messages from the one holding the first member
 * the last redraw did not show to the last (earlier ones are complete), then the count on the root message.
 * One redraw per storm at a time.
 */
export async function processIncidentShowStorm(deps: WorkerDeps, data: JobData<'incident.show-storm'>): Promise<void> {
  const drawn = await deps.tryWithLock(`storm:${data.incidentId}`, async () => {
    const parent = await getIncidentOrThrow(deps.db, data.incidentId)
    const root = await ensureIncidentRoot(deps, parent)
    const shown = { ...(await threadIncidentOf(deps, parent)), slackChannel: root.channel, slackTs: root.ts }
    const pageOf = (position: number) => Math.floor((position - 1) / STORM_PAGE_SIZE)
    for (let page = pageOf(parent.stormShown + 1); page <= pageOf(parent.stormSize); page++) {
      const members = await listStormMembers(deps.db, parent.id, page * STORM_PAGE_SIZE + 1, (page + 1) * STORM_PAGE_SIZE)
      if (members.length) await deps.thread.showStormMembers(shown, root, page, members)
    }
    await deps.thread.showIncidentProgress(shown, await storedProgress(deps, parent))
    // Members up to stormSize had joined (same transaction as the count) before the lists were read.
    await updateIncident(deps.db, parent.id, { stormShown: parent.stormSize })
  })
  // Another redraw is under way and may have read the storm before these joins: draw again next period.
  if (!drawn.ran) await enqueueStormRedraw(deps, data.incidentId, true)
}
