import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { changeCommander } from '../../../storage/repositories/incident-lifecycle'
import { buildCommanderChangedLine, mention } from '../../blocks/lifecycle-blocks'
import { showIncidentChange } from '../incident-changes'
import type { ListenerDeps } from '../listener-deps'
import { incidentForCommand, parseUserMention } from './incident-argument'

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs

const USAGE = '/sre commander INC-n @person'

/** `/sre commander [INC-n] @person`: names the incident commander (`me` for oneself). */
export async function runCommanderCommand(deps: ListenerDeps, { command, ack, client }: Args, words: string[]): Promise<void> {
  const target = await incidentForCommand(deps, ack, words, command.channel_id, USAGE)
  if (!target) return
  const { incident } = target
  const label = incidentLabel(incident)
  const word = target.rest[0] ?? ''
  const commanderId = word.toLowerCase() === 'me' ? command.user_id : parseUserMention(word)
  if (!commanderId || target.rest.length > 1) {
    await ack({ response_type: 'ephemeral', text: `Usage: \`${USAGE}\` — pick the person from Slack's list as you type @, or say \`me\`.` })
    return
  }
  if (incident.status === 'resolved') {
    await ack({ response_type: 'ephemeral', text: `${label} is resolved; its commander stays as recorded.` })
    return
  }
  const change = await changeCommander(deps.db, incident.id, commanderId, command.user_id, deps.now())
  if (!change.changed) {
    await ack({ response_type: 'ephemeral', text: `${mention(commanderId)} already is the incident commander of ${label}.` })
    return
  }
  await ack({ response_type: 'ephemeral', text: `:large_blue_circle: ${mention(commanderId)} now leads ${label}.` })
  await showIncidentChange(deps, client, change.incident, buildCommanderChangedLine(label, commanderId, command.user_id))
}
