import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { SEVERITIES } from '../../../core/incidents/types'
import { setIncidentSeverity } from '../incident-changes'
import type { ListenerDeps } from '../listener-deps'
import { incidentForCommand } from './incident-argument'

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs

const USAGE = `/sre severity INC-n ${SEVERITIES.join('|')}`

/** `/sre severity [INC-n] <critical|high|warning|info>`: as the severity menu on the root message. */
export async function runSeverityCommand(deps: ListenerDeps, { command, ack, client }: Args, words: string[]): Promise<void> {
  const target = await incidentForCommand(deps, ack, words, command.channel_id, USAGE)
  if (!target) return
  const { incident } = target
  const label = incidentLabel(incident)
  const severity = SEVERITIES.find((s) => s === target.rest[0]?.toLowerCase())
  if (!severity || target.rest.length > 1) {
    await ack({ response_type: 'ephemeral', text: `Usage: \`${USAGE}\`.` })
    return
  }
  if (incident.status === 'resolved') {
    await ack({ response_type: 'ephemeral', text: `${label} is resolved; its severity stays as it was.` })
    return
  }
  if (incident.severity === severity) {
    await ack({ response_type: 'ephemeral', text: `${label} already is ${severity}.` })
    return
  }
  await ack({ response_type: 'ephemeral', text: `:rotating_light: Changing ${label} to ${severity}.` })
  await setIncidentSeverity(deps, client, incident, severity, command.user_id)
}
