import type { SlackCommandMiddlewareArgs } from '@slack/bolt'
import { findIncidentOfChannel } from '../../../storage/repositories/incident-timeline'
import { getIncidentByNumber, type Incident } from '../../../storage/repositories/incidents'
import type { ListenerDeps } from '../listener-deps'

/** What a command is about: the incident and the words after its `INC-n`, or why there is none. */
type IncidentArgument = { incident: Incident; rest: string[] } | { incident: null; problem: string }

/**
 * The incident a lifecycle command names with `INC-n` as its first word, else the one of the channel it is typed in:
 * the incident whose own channel it is, or the latest whose thread is there. Slack does not say which thread a
 * command was typed in, so the channel is all there is to go on. When there is none, the command is answered with why.
 */
export async function incidentForCommand(
  deps: Pick<ListenerDeps, 'db'>,
  ack: SlackCommandMiddlewareArgs['ack'],
  words: string[],
  channelId: string,
  usage: string,
): Promise<{ incident: Incident; rest: string[] } | null> {
  const target = await findCommandIncident(deps, words, channelId, usage)
  if (target.incident) return target
  await ack({ response_type: 'ephemeral', text: target.problem })
  return null
}

async function findCommandIncident(deps: Pick<ListenerDeps, 'db'>, words: string[], channelId: string, usage: string): Promise<IncidentArgument> {
  const named = /^inc-(\d{1,9})$/i.exec(words[0] ?? '')
  if (named) {
    const incident = await getIncidentByNumber(deps.db, Number(named[1]))
    return incident ? { incident, rest: words.slice(1) } : { incident: null, problem: `There is no INC-${named[1]}.` }
  }
  const incident = await findIncidentOfChannel(deps.db, channelId)
  return incident ? { incident, rest: words } : { incident: null, problem: `No incident was posted in this channel: name one, \`${usage}\`.` }
}

/** A Slack user id from a mention as an escaping command sends it (`<@U123|name>`), a bare `<@U123>` or the id itself. */
export function parseUserMention(word: string): string | null {
  const m = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/.exec(word.trim()) ?? /^([UW][A-Z0-9]{2,})$/.exec(word.trim())
  return m ? m[1]! : null
}
