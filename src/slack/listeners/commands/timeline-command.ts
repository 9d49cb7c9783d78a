import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import type { WebClient } from '@slack/web-api'
import { collectIncidentTimeline } from '../../../core/incidents/collect-incident-timeline'
import { incidentLabel, parseIncidentLabel } from '../../../core/incidents/incident-label'
import { findIncidentOfChannel, incidentTimelineStore } from '../../../storage/repositories/incident-timeline'
import { getIncidentByNumber, type Incident } from '../../../storage/repositories/incidents'
import { buildHelpMessage } from '../../blocks/help-blocks'
import { buildTimelineMessages } from '../../blocks/timeline-blocks'
import type { ListenerDeps } from '../listener-deps'

type Args = Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'command' | 'ack' | 'respond' | 'client'>

/** `/sre timeline [INC-n]`: the incident named, else the one of this channel; the timeline goes to its thread. */
export async function answerTimelineCommand(deps: ListenerDeps, { command, ack, respond, client }: Args, label: string | undefined): Promise<void> {
  const number = label ? parseIncidentLabel(label) : null
  if (label && number === null) {
    await ack({ response_type: 'ephemeral', ...buildHelpMessage('Usage: `/sre timeline [INC-n]`.') })
    return
  }
  const incident = number === null ? await findIncidentOfChannel(deps.db, command.channel_id) : await getIncidentByNumber(deps.db, number)
  if (!incident) {
    await ack({
      response_type: 'ephemeral',
      text: number === null ? 'No incident was posted in this channel: use `/sre timeline INC-n`.' : `There is no INC-${number}.`,
    })
    return
  }
  await ack()
  const posted = await postIncidentTimeline(deps, client, incident)
  await respond({ response_type: 'ephemeral', text: posted.where })
}

/**
 * Builds the incident's timeline (storing its detection time) and posts it in the incident's thread, in as many
 * messages as Slack's limits need. An incident with no thread gets it where it was asked for instead.
 */
export async function postIncidentTimeline(
  deps: Pick<ListenerDeps, 'db' | 'telemetry' | 'now'>,
  client: WebClient,
  incident: Incident,
  fallback?: { channel: string },
): Promise<{ where: string }> {
  const { timeline, changesUnavailable } = await collectIncidentTimeline(incidentTimelineStore(deps.db, incident), deps.telemetry ?? null, deps.now())
  const notes = changesUnavailable ? [`Deploys around the incident could not be read: ${changesUnavailable}`] : []
  const messages = buildTimelineMessages(timeline, notes)
  const channel = incident.slackChannel ?? fallback?.channel
  if (!channel) return { where: `${incidentLabel(incident)} has no Slack thread to post its timeline in: \`sre-agent timeline\` exports it.` }
  const threadTs = incident.slackChannel ? (incident.slackTs ?? undefined) : undefined
  for (const message of messages) await client.chat.postMessage({ channel, thread_ts: threadTs, text: message.text, blocks: message.blocks })
  const parts = messages.length > 1 ? ` (${messages.length} messages)` : ''
  return { where: `:spiral_note_pad: The timeline of ${incidentLabel(incident)} is in ${threadTs ? 'its thread' : `<#${channel}>`}${parts}.` }
}
