import { decideStorm, type StormDecision } from '../core/incidents/storm'
import { jobIdFor, type JobData } from '../core/jobs/job-queue'
import { getLatestAnalysis } from '../storage/repositories/analyses'
import { getStormNeighbourhood, joinStorm } from '../storage/repositories/incident-storms'
import type { Incident } from '../storage/repositories/incidents'
import { listExecutionsForIncident } from '../storage/repositories/playbooks'
import type { IncidentProgress } from '../core/incidents/incident-thread'
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

/** Lines in one list message of a storm's thread. */
export const STORM_PAGE_SIZE = 40
/** How often a storm's thread is redrawn while incidents join it: every join in between is one redraw. */
export const STORM_REDRAW_MS = 2000

/**
 * Makes the incident one of the storm and asks for a redraw of the storm's thread at the end of the
 * current redraw period, so a burst of joins is one edit of the list and one of the root message. False when
 * it cannot join (it became a storm's first incident meanwhile, in a race): it is analysed on its own.
 */
export async function joinIncidentStorm(deps: Pick<WorkerDeps, 'db' | 'queue'>, incident: Incident, parentId: string): Promise<boolean> {
  const position = await joinStorm(deps.db, incident.id, parentId)
  if (position === null) return false
  await enqueueStormRedraw(deps, parentId)
  return true
}

/** One redraw per storm and period; `again` is a redraw that found another one running. */
export async function enqueueStormRedraw(deps: Pick<WorkerDeps, 'queue'>, parentId: string, again = false): Promise<void> {
  const now = Date.now()
  const period = Math.floor(now / STORM_REDRAW_MS)
  const jobId = again ? jobIdFor('storm', parentId, period, 'again') : jobIdFor('storm', parentId, period)
  await deps.queue.enqueue('incident.show-storm', { incidentId: parentId }, { jobId, delayMs: (period + 1) * STORM_REDRAW_MS - now })
}

/** The root message's state as stored, for an edit made by someone other than the incident's own analysis. */
export async function storedProgress(deps: Pick<WorkerDeps, 'db'>, incident: Incident): Promise<IncidentProgress> {
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
