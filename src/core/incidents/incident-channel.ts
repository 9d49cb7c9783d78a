import { SEVERITIES } from './types'

/** thread: every incident is a thread in the incident channel; channel: serious ones get a channel of their own. */
export const INCIDENT_CHANNEL_MODES = ['thread', 'channel'] as const
export type IncidentChannelMode = (typeof INCIDENT_CHANNEL_MODES)[number]

/** Slack's longest channel name. */
export const MAX_CHANNEL_NAME_LENGTH = 80

/** A channel name prefix: what Slack allows in a name, short enough to leave room for the number and title. */
export const CHANNEL_PREFIX_PATTERN = /^[a-z0-9][a-z0-9_-]{0,19}$/

/** Numbered suffixes tried after the plain name is taken, before the last one made from the incident's id. */
const NUMBERED_SUFFIXES = [2, 3]

export interface IncidentChannelPolicy {
  mode: IncidentChannelMode
  /** Incidents at or above this severity get a channel. */
  minSeverity: string
  prefix: string
  /** User (U…/W…) and user-group (S…) ids invited to every incident channel. */
  responders: readonly string[]
  isPrivate: boolean
}

/** What the incident's channel needs, decided from the incident alone. */
export interface IncidentChannelPlan {
  /** Names to try in order: the plain one, then suffixed ones when Slack says a name is taken. */
  names: string[]
  /** The commander first (when known), then the responders; user-group ids are expanded by the caller. */
  invitees: string[]
  isPrivate: boolean
}

export interface IncidentForChannel {
  id: string
  number: number
  title: string
  severity: string
  commanderId?: string | null
  createdBy?: string | null
}

/** Whether `severity` is `min` or more severe; unknown severities are neither. */
export function isAtLeastSeverity(severity: string, min: string): boolean {
  const rank = (s: string) => (SEVERITIES as readonly string[]).indexOf(s)
  return rank(severity) !== -1 && rank(min) !== -1 && rank(severity) <= rank(min)
}

/** The incident's channel plan, or null when it stays a thread (thread mode, or below the minimum severity). */
export function planIncidentChannel(policy: IncidentChannelPolicy, incident: IncidentForChannel): IncidentChannelPlan | null {
  if (policy.mode !== 'channel' || !isAtLeastSeverity(incident.severity, policy.minSeverity)) return null
  const commander = incident.commanderId ?? incident.createdBy ?? null
  const invitees = [...new Set([...(commander ? [commander] : []), ...policy.responders])]
  const suffixes = [
    ...NUMBERED_SUFFIXES.map(String),
    incident.id
      .replace(/[^a-z0-9]/gi, '')
      .slice(0, 6)
      .toLowerCase(),
  ]
  const names = [incidentChannelName(policy.prefix, incident.number, incident.title)]
  for (const suffix of suffixes) names.push(incidentChannelName(policy.prefix, incident.number, incident.title, suffix))
  return { names: [...new Set(names)], invitees, isPrivate: policy.isPrivate }
}

/**
 * A Slack channel name for the incident: `<prefix>-<number>-<title words>[-<suffix>]`, lowercase, only a-z 0-9 - _,
 * at most 80 characters. Accents are dropped (é → e); other scripts and symbols become word breaks.
 */
export function incidentChannelName(prefix: string, number: number, title: string, suffix?: string): string {
  const head = `${slug(prefix) || 'inc'}-${number}`
  const tail = suffix ? `-${slug(suffix)}` : ''
  const room = MAX_CHANNEL_NAME_LENGTH - head.length - tail.length - 1
  const words = room > 0 ? cutAtWord(slug(title), room) : ''
  return `${head}${words ? `-${words}` : ''}${tail}`.slice(0, MAX_CHANNEL_NAME_LENGTH)
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/_+/g, '_')
    .replace(/^[-_]+|[-_]+$/g, '')
    .replace(/-+/g, '-')
}

/** The slug within `max` characters, cut at a word break when one is near. */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  const lastBreak = cut.lastIndexOf('-')
  return (lastBreak >= max / 2 ? cut.slice(0, lastBreak) : cut).replace(/[-_]+$/, '')
}
