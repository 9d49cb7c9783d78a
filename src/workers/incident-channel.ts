import { z } from 'zod'
import type { IncidentChannelPlan, IncidentChannelPolicy } from '../core/incidents/incident-channel'
import type { IncidentChannelRef, PostedMessage } from '../core/incidents/incident-thread'
import { getIncidentEventByKey, recordIncidentEvent } from '../storage/repositories/incident-events'
import { type Incident, updateIncident } from '../storage/repositories/incidents'
import type { WorkerDeps } from './worker-deps'

/** The incident event that records, once, whether the incident got its channel: a retried open reads it instead of asking Slack again. */
const CHANNEL_DECISION_KEY = 'incident-channel'

const decisionSchema = z.union([z.object({ channelId: z.string(), name: z.string() }), z.object({ refused: z.string() })])

type ChannelDeps = Pick<WorkerDeps, 'db' | 'thread' | 'now'>

export function incidentChannelPolicy(config: WorkerDeps['config']): IncidentChannelPolicy {
  return {
    mode: config.INCIDENT_CHANNEL_MODE,
    minSeverity: config.INCIDENT_CHANNEL_MIN_SEVERITY,
    prefix: config.INCIDENT_CHANNEL_PREFIX,
    responders: config.INCIDENT_RESPONDERS,
    isPrivate: config.INCIDENT_CHANNEL_PRIVATE,
  }
}

/**
 * Opens the incident's thread in a channel of its own: the channel is created once (the decision is stored before
 * anything else is sent), the root message posted and pinned there, responders invited, and a link posted in
 * `mainChannel`. When Slack refuses the channel, the thread opens in `mainChannel` and says why.
 */
export async function openIncidentChannelThread(
  deps: ChannelDeps,
  incident: Incident,
  mainChannel: string,
  plan: IncidentChannelPlan,
): Promise<{ root: PostedMessage; linkTs: string | null }> {
  const room = await decideIncidentChannel(deps, incident, plan)
  if ('refused' in room) {
    const root = await deps.thread.openThread(incident, mainChannel)
    await deps.thread.explainNoIncidentChannel(incident, root, room.refused)
    return { root, linkTs: null }
  }
  const placed = { ...incident, incidentChannelId: room.id, incidentChannelName: room.name }
  const root = await deps.thread.openThread(placed, room.id)
  const link = await deps.thread.furnishIncidentChannel({ ...placed, slackChannel: root.channel, slackTs: root.ts }, room, root, mainChannel, plan.invitees)
  return { root, linkTs: link.ts }
}

/** The channel created for the incident (now or by an earlier attempt), or why there is none. */
async function decideIncidentChannel(deps: ChannelDeps, incident: Incident, plan: IncidentChannelPlan): Promise<IncidentChannelRef | { refused: string }> {
  const earlier = await getIncidentEventByKey(deps.db, incident.id, CHANNEL_DECISION_KEY)
  if (earlier) {
    const decided = decisionSchema.parse(earlier.details)
    if ('refused' in decided) return decided
    await rememberChannel(deps, incident, { id: decided.channelId, name: decided.name })
    return { id: decided.channelId, name: decided.name }
  }
  const outcome = await deps.thread.createIncidentChannel(incident, plan.names, plan.isPrivate)
  if ('refused' in outcome) {
    await recordIncidentEvent(deps.db, {
      incidentId: incident.id,
      occurredAt: deps.now(),
      kind: 'channel_refused',
      actor: 'sre-agent',
      text: `No incident channel: ${outcome.refused}`,
      details: { refused: outcome.refused },
      dedupeKey: CHANNEL_DECISION_KEY,
    })
    return outcome
  }
  const room = outcome.created
  await recordIncidentEvent(deps.db, {
    incidentId: incident.id,
    occurredAt: deps.now(),
    kind: 'channel_created',
    actor: 'sre-agent',
    text: `Incident channel #${room.name} created`,
    details: { channelId: room.id, name: room.name },
    dedupeKey: CHANNEL_DECISION_KEY,
  })
  await rememberChannel(deps, incident, room)
  return room
}

async function rememberChannel(deps: ChannelDeps, incident: Incident, room: IncidentChannelRef): Promise<void> {
  if (incident.incidentChannelId === room.id) return
  await updateIncident(deps.db, incident.id, { incidentChannelId: room.id, incidentChannelName: room.name })
}
