import { truncateText } from '../../core/truncate-text'
import { incidentLabel } from '../../core/incidents/incident-label'
import type { IncidentChannelRef } from '../../core/incidents/incident-thread'
import { escapeMrkdwn, section, type SlackMessage } from './block-kit'
import type { IncidentView } from './incident-blocks'

/** Someone the channel's invitation could not reach, and Slack's reason. */
export interface UninvitedUser {
  id: string
  error: string
}

/** One line: a title longer than this is cut (the channel and its pinned summary have it whole). */
const MAX_TITLE_SHOWN = 150

const SEVERITY_ICON: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':white_circle:',
}

/** The one line in the main incident channel that points to the incident's own channel, edited as the incident changes. */
export function buildIncidentChannelLink(incident: IncidentView, room: IncidentChannelRef): SlackMessage {
  const resolved = incident.status === 'resolved'
  const icon = resolved ? ':white_check_mark:' : (SEVERITY_ICON[incident.severity] ?? ':white_circle:')
  const state = resolved ? `resolved${incident.resolutionRecordedBy ? ', fix recorded' : ''}` : 'open'
  const about = `${escapeMrkdwn(truncateText(incident.title, MAX_TITLE_SHOWN))} · ${escapeMrkdwn(incident.severity)} · ${state}`
  const label = incidentLabel(incident)
  return { text: `${label} ${about} → ${channelMention(room)}`, blocks: [section(`${icon} *${label}* ${about} → ${channelMention(room)}`)] }
}

/** Why the incident stays a thread here although incident channels are on: one line. */
export function buildNoIncidentChannelMessage(reason: string): SlackMessage {
  const text = `:information_source: This incident stays in this thread: its own channel could not be created (${escapeMrkdwn(reason)}).`
  return { text, blocks: [section(text)] }
}

/** Who the incident channel's invitation skipped, and why. */
export function buildUninvitedMessage(skipped: UninvitedUser[]): SlackMessage {
  const who = skipped.map((s) => `${mention(s.id)} (${escapeMrkdwn(s.error)})`).join(', ')
  const text = `:warning: Not invited to this channel: ${who}.`
  return { text, blocks: [section(text)] }
}

/** The pin that failed, so people know to pin the summary themselves. */
export function buildPinFailedMessage(error: string): SlackMessage {
  const text = `:warning: The incident summary above could not be pinned (${escapeMrkdwn(error)}).`
  return { text, blocks: [section(text)] }
}

function channelMention(room: IncidentChannelRef): string {
  return /^[CG][A-Z0-9]+$/.test(room.id) ? `<#${room.id}>` : `#${escapeMrkdwn(room.name)}`
}

function mention(id: string): string {
  return /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeMrkdwn(id)
}
