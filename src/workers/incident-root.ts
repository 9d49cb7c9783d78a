import { CodedError } from '../core/errors'
import type { IncidentProgress, PostedMessage, ThreadIncident } from '../core/incidents/incident-thread'
import { getLatestAnalysis } from '../storage/repositories/analyses'
import { getLatestStatusUpdate, getThreadIncidentOrThrow } from '../storage/repositories/incident-lifecycle'
import { getIncidentOrThrow, setIncidentThread, updateIncident, type Incident } from '../storage/repositories/incidents'
import { planIncidentChannel } from '../core/incidents/incident-channel'
import { incidentChannelPolicy, openIncidentChannelThread } from './incident-channel'
import { requestHomeRefresh } from '../storage/repositories/home-viewers'
import type { WorkerDeps } from './worker-deps'

/** The incident as its thread shows it: as stored, with its latest status update. */
export async function threadIncidentOf(deps: Pick<WorkerDeps, 'db'>, incident: Incident): Promise<ThreadIncident> {
  return { ...incident, latestUpdate: await getLatestStatusUpdate(deps.db, incident.id) }
}

const ROOT_LOCK_WAIT_MS = 100
const ROOT_LOCK_ATTEMPTS = 600

/**
 * Opens the incident's thread once and remembers where it is. A storm's members open their first incident's
 * thread too, racing its own analysis: one of them posts it under a lock, the others wait and read it.
 * `progress`: what a root message posted now shows (an analysis about to start posts it as analysing rather than
 * posting it and editing it at once); `openedWith` on the result says a message was posted so, here and now.
 */
export async function ensureIncidentRoot(
  deps: Pick<WorkerDeps, 'db' | 'thread' | 'config' | 'tryWithLock' | 'now' | 'queue'>,
  incident: Incident,
  progress?: IncidentProgress,
): Promise<PostedMessage & { openedWith?: IncidentProgress }> {
  if (incident.slackChannel && incident.slackTs) return { channel: incident.slackChannel, ts: incident.slackTs }
  for (let attempt = 0; attempt < ROOT_LOCK_ATTEMPTS; attempt++) {
    const opened = await deps.tryWithLock(`incident-root:${incident.id}`, async () => {
      const fresh = await getThreadIncidentOrThrow(deps.db, incident.id)
      if (fresh.slackChannel && fresh.slackTs) return { channel: fresh.slackChannel, ts: fresh.slackTs }
      const channel = fresh.slackChannel ?? deps.config.INCIDENT_CHANNEL
      if (!channel) throw new Error('no channel for the incident: set INCIDENT_CHANNEL')
      const plan = planIncidentChannel(incidentChannelPolicy(deps.config), fresh)
      if (plan) {
        const { root, linkTs } = await openIncidentChannelThread(deps, fresh, channel, plan)
        await updateIncident(deps.db, incident.id, { slackChannel: root.channel, slackTs: root.ts, channelLinkTs: linkTs })
        return root
      }
      // Shown as `progress` only while the incident is still open; a resolved one is posted as it is.
      const shown = progress && fresh.status === 'open' ? progress : undefined
      const posted = await deps.thread.openThread(fresh, channel, shown)
      await setIncidentThread(deps.db, incident.id, posted)
      return shown ? { ...posted, openedWith: shown } : posted
    })
    if (opened.ran) {
      // A new incident (or one whose thread another worker had just opened): the Home dashboards list it with its link.
      await requestHomeRefresh(deps)
      return opened.value
    }
    await new Promise((resolve) => setTimeout(resolve, ROOT_LOCK_WAIT_MS))
  }
  throw new CodedError('incident_root_busy', `the root message of incident ${incident.id} is being posted elsewhere for too long; retrying`)
}

/** Shows on the root message what is stored: the latest analysis plus the playbook run's state. */
export async function refreshIncidentRoot(
  deps: Pick<WorkerDeps, 'db' | 'thread'>,
  incidentId: string,
  run?: Pick<IncidentProgress, 'playbookTitle' | 'executionStatus'>,
): Promise<void> {
  const incident = await getThreadIncidentOrThrow(deps.db, incidentId)
  const analysis = await getLatestAnalysis(deps.db, incident.id)
  const analysed = { summary: analysis?.summary ?? undefined, confidence: analysis?.confidence ?? undefined }
  await deps.thread.showIncidentProgress(incident, { phase: 'analyzed', ...analysed, ...run })
}

/**
 * Shows `progress` on the root message with the incident as stored now (`current` when the caller has just read or
 * written it, else read here). If its status changed during the edit (resolved meanwhile), it edits once more, so the
 * last edit never shows a stale status.
 */
export async function showCurrentIncidentProgress(
  deps: Pick<WorkerDeps, 'db' | 'thread'>,
  incidentId: string,
  root: PostedMessage,
  progress: IncidentProgress,
  current?: Incident,
): Promise<void> {
  const before = current ? await threadIncidentOf(deps, current) : await getThreadIncidentOrThrow(deps.db, incidentId)
  await deps.thread.showIncidentProgress({ ...before, slackChannel: root.channel, slackTs: root.ts }, progress)
  const after = await getIncidentOrThrow(deps.db, incidentId)
  if (after.status !== before.status)
    await deps.thread.showIncidentProgress({ ...(await threadIncidentOf(deps, after)), slackChannel: root.channel, slackTs: root.ts }, progress)
}
