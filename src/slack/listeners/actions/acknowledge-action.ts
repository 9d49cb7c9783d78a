import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { acknowledgeIncident } from '../../../storage/repositories/incident-lifecycle'
import { alreadyAcknowledgedText, buildAcknowledgedLine } from '../../blocks/lifecycle-blocks'
import { showIncidentChange } from '../incident-changes'
import type { ListenerDeps } from '../listener-deps'
import { incidentOfButton, readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** Acknowledge on the root message (value: the incident number): the first click is recorded, a later one is told who was first. */
export function createAcknowledgeActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const { tell, userId } = click
    const incident = await incidentOfButton(deps, click, action.value)
    if (!incident) return
    const label = incidentLabel(incident)
    if (incident.status === 'resolved' && !incident.acknowledgedAt) return tell(`${label} is already resolved: there is nothing left to acknowledge.`)
    const result = await acknowledgeIncident(deps.db, incident.id, userId, deps.now())
    const { acknowledgedAt, acknowledgedBy, ttaSeconds } = result.incident
    if (!result.acknowledged) return tell(alreadyAcknowledgedText(label, acknowledgedBy, acknowledgedAt!))
    await showIncidentChange(deps, client, result.incident, buildAcknowledgedLine(label, userId, ttaSeconds, result.becameCommander))
  }
}
