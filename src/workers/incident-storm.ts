import { decideStorm, type StormDecision } from '../core/incidents/storm'
import type { JobData } from '../core/jobs/job-queue'
import { getLatestAnalysis } from '../storage/repositories/analyses'
import { getStormNeighbourhood, joinStorm } from '../storage/repositories/incident-storms'
import type { Incident } from '../storage/repositories/incidents'
import { listExecutionsForIncident } from '../storage/repositories/playbooks'
import type { IncidentProgress } from '../core/incidents/incident-thread'
import { ensureIncidentRoot } from './incident-root'
import type { WorkerDeps } from './worker-deps'

/** Whether this incident is analysed in a thread of its own or joins a storm's thread; see core/incidents/storm.ts. */
export async function stormDecisionFor(deps: Pick<WorkerDeps, 'db' | 'config'>, incident: Incident, data: JobData<'incident.analyze'>): Promise<StormDecision> {
  if (incident.parentIncidentId) return { kind: 'member', parentId: incident.parentIncidentId }
  // A thread already open stays; an incident a person opened with /sre analyze is theirs to see analysed.
  if (incident.slackTs || incident.createdBy) return { kind: 'alone' }
  const settings = {
    threshold: deps.config.STORM_THRESHOLD,
    windowMs: deps.config.STORM_WINDOW_MINUTES * 60_000,
    settleMs: data.settled ? 0 : deps.config.STORM_SETTLE_SECONDS * 1000,
  }
  if (settings.threshold === 0) return { kind: 'alone' }
  return decideStorm(incident, await getStormNeighbourhood(deps.db, incident, settings.windowMs), settings)
}

/** One line in the storm's thread for the incident, and the storm's root message shows the new count. */
export async function joinIncidentStorm(
  deps: Pick<WorkerDeps, 'db' | 'thread' | 'config' | 'tryWithLock'>,
  incident: Incident,
  parentId: string,
): Promise<void> {
  const parent = await joinStorm(deps.db, incident.id, parentId)
  const root = await ensureIncidentRoot(deps, parent)
  await deps.thread.postStormMember(incident, root)
  await deps.thread.showIncidentProgress({ ...parent, slackChannel: root.channel, slackTs: root.ts }, await storedProgress(deps, parent))
}

/** The root message's state as stored, for an edit made by someone other than the incident's own analysis. */
async function storedProgress(deps: Pick<WorkerDeps, 'db'>, incident: Incident): Promise<IncidentProgress> {
  const analysis = await getLatestAnalysis(deps.db, incident.id)
  const run = (await listExecutionsForIncident(deps.db, incident.id)).at(-1)
  const phase = !analysis ? 'new' : analysis.status === 'completed' ? 'analyzed' : analysis.status === 'failed' ? 'failed' : 'analyzing'
  return {
    phase,
    summary: analysis?.summary ?? undefined,
    confidence: analysis?.confidence ?? undefined,
    playbookTitle: run?.definition.title,
    executionStatus: run?.status,
  }
}
