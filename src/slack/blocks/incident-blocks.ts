import { truncateText } from '../../core/truncate-text'
import type { ActionsBlockElement, KnownBlock } from '@slack/types'
import { formatDuration } from '../../core/durations'
import { incidentLabel } from '../../core/incidents/incident-label'
import type { IncidentProgress, TestNotificationView, ThreadIncident } from '../../core/incidents/incident-thread'
import { RESOLVE_ACTION_ID } from './resolution-blocks'
import { ACKNOWLEDGE_ACTION_ID, TIMELINE_ACTION_ID, UPDATE_ACTION_ID } from './incident-action-ids'
import { buildSeveritySelect, latestUpdateSection, mention, slackDate, stageLabel } from './lifecycle-blocks'
import { confidenceBar, context, escapeMrkdwn, fields, header, link, percent, section, type SlackMessage } from './block-kit'

/** Enough of the alert's own words to act on; the full text is in the incident. */
const MAX_SUMMARY_SHOWN = 700

/** What the root message shows of an incident. */
export type IncidentView = Omit<ThreadIncident, 'id' | 'slackChannel' | 'slackTs'>

// Slack refuses a section text over 3,000 characters.
const SECTION_MAX_CHARS = 3000

export const SEVERITY_ICON: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':white_circle:',
}

/** The incident's root message in the channel, updated in place as the analysis progresses. */
export function buildIncidentRootMessage(incident: IncidentView, progress: IncidentProgress): SlackMessage {
  const label = incidentLabel(incident)
  const icon = incident.status === 'resolved' ? ':white_check_mark:' : (SEVERITY_ICON[incident.severity] ?? ':white_circle:')
  const state =
    incident.status === 'resolved'
      ? `Resolved at ${incident.resolvedAt?.toISOString() ?? 'unknown time'}`
      : { new: 'Opened — analysis queued', analyzing: 'Analyzing…', analyzed: 'Analyzed', failed: 'Analysis failed — see thread' }[progress.phase]
  const blocks: KnownBlock[] = [
    header(`${label} ${incident.title}`),
    fields([
      ['Service', escapeMrkdwn(incident.service ?? 'unknown')],
      ['Severity', `${icon} ${escapeMrkdwn(incident.severity)}`],
      ['Status', state],
      ['Started', slackDate(incident.startedAt)],
      ['Commander', incident.commanderId ? mention(incident.commanderId) : '_none yet_'],
      ['Stage', stageLabel(incident.status === 'resolved' ? 'resolved' : (incident.responseStage ?? 'investigating'))],
    ]),
  ]
  const storm = incident.stormSize ? stormNote(incident, incident.stormSize) : null
  if (storm) blocks.push(section(storm))
  const alertSays = incident.summary.trim()
  if (alertSays) blocks.push(section(escapeMrkdwn(truncateText(alertSays, MAX_SUMMARY_SHOWN))))
  if (incident.latestUpdate) blocks.push(latestUpdateSection(incident.latestUpdate))
  if (progress.summary) blocks.push(section(`*Assessment:* ${escapeMrkdwn(progress.summary)}`))
  const notes: string[] = []
  if (incident.acknowledgedAt)
    notes.push(`Acknowledged${incident.acknowledgedBy ? ` by ${mention(incident.acknowledgedBy)}` : ''} ${slackDate(incident.acknowledgedAt)}`)
  else if (incident.status === 'open') notes.push('Not acknowledged yet')
  if (progress.confidence !== undefined) notes.push(`Confidence ${confidenceBar(progress.confidence)} ${percent(progress.confidence)}`)
  if (progress.playbookTitle)
    notes.push(
      `Playbook: ${escapeMrkdwn(progress.playbookTitle)}${progress.executionStatus ? ` (${escapeMrkdwn(progress.executionStatus.replace('_', ' '))})` : ''}`,
    )
  notes.push(
    `Source: ${escapeMrkdwn(incident.source)}${incident.alertCount > 1 ? ` · ${incident.alertCount} alerts` : ''}` +
      `${incident.url ? ` · ${link(incident.url, 'open alert')}` : ''}`,
  )
  if (incident.links.length) notes.push(incident.links.map((l) => link(l.url, l.label)).join(' · '))
  blocks.push(context(...notes))
  blocks.push({ type: 'actions', block_id: 'incident_actions', elements: rootActions(incident) })
  return { text: `${label} ${escapeMrkdwn(incident.title)} — ${state}${storm ? ` · storm of ${(incident.stormSize ?? 0) + 1} incidents` : ''}`, blocks }
}

/** Acknowledge (until someone has), Update, Resolve, Timeline and the severity menu; a resolved incident keeps Resolve and Timeline. */
function rootActions(incident: IncidentView): ActionsBlockElement[] {
  const open = incident.status === 'open'
  const value = String(incident.number)
  const button = (action_id: string, text: string, style?: 'primary'): ActionsBlockElement => ({
    type: 'button',
    action_id,
    text: { type: 'plain_text', text },
    value,
    ...(style ? { style } : {}),
  })
  const elements: ActionsBlockElement[] = []
  if (open && !incident.acknowledgedAt) elements.push(button(ACKNOWLEDGE_ACTION_ID, 'Acknowledge', 'primary'))
  if (open) elements.push(button(UPDATE_ACTION_ID, 'Update'))
  elements.push(button(RESOLVE_ACTION_ID, open ? 'Resolve' : 'Record what fixed it'), button(TIMELINE_ACTION_ID, 'Timeline'))
  if (open) elements.push(buildSeveritySelect(incident.number, incident.severity))
  return elements
}

function stormNote(incident: IncidentView, joined: number): string {
  const of = incident.service ?? 'the same alert policy'
  const more = `${joined} more incident${joined === 1 ? '' : 's'}`
  return `:thunder_cloud_and_rain: *Storm:* ${more} of ${escapeMrkdwn(of)} joined this thread, one line each below; this analysis covers them all.`
}

/** Incidents of a storm, one line each, in the storm's thread. */
export function buildStormMembersMessage(members: IncidentView[]): SlackMessage {
  const lines = members.map((m) => {
    const icon = m.status === 'resolved' ? ':white_check_mark:' : (SEVERITY_ICON[m.severity] ?? ':white_circle:')
    return `${icon} ${incidentLabel(m)} ${escapeMrkdwn(truncateText(m.title, 200))}${m.alertCount > 1 ? ` · ${m.alertCount} alerts` : ''}`
  })
  const chunks: string[] = []
  for (const line of lines) {
    const last = chunks.at(-1)
    if (last !== undefined && last.length + 1 + line.length <= SECTION_MAX_CHARS) chunks[chunks.length - 1] = `${last}\n${line}`
    else chunks.push(line)
  }
  const blocks: KnownBlock[] = chunks.map((chunk) => section(chunk))
  const first = members[0] ? incidentLabel(members[0]) : ''
  const last = members.at(-1) ? incidentLabel(members.at(-1)!) : ''
  return { text: `Storm: ${first}${last !== first ? ` … ${last}` : ''} joined this incident`, blocks }
}

export function buildResolvedReply(incident: IncidentView): SlackMessage {
  const after = incident.resolvedAt ? ` after ${formatDuration(incident.resolvedAt.getTime() - incident.startedAt.getTime())}` : ''
  const by = incident.resolutionRecordedBy ? ` by <@${incident.resolutionRecordedBy}>` : ''
  const text = `:white_check_mark: ${incidentLabel(incident)} resolved${by}${after}.${by ? '' : ' The alert closed.'}`
  return { text, blocks: [section(text)] }
}

/** The answer to a sender's "send a test" button: whoever is setting up the channel sees that it works. */
export function buildTestNotificationMessage(test: TestNotificationView): SlackMessage {
  const from = test.policy ? ` from policy *${escapeMrkdwn(test.policy)}*` : ''
  const text =
    `:white_check_mark: ${escapeMrkdwn(test.sender)} test notification received${from}. ` +
    'Its alerts will open incidents in this channel; no incident was opened for the test.'
  return { text, blocks: [section(text)] }
}
