import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, StaticSelectAction } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { getIncidentByNumber } from '../../../storage/repositories/incidents'
import { parseSeverityChoice } from '../../blocks/lifecycle-blocks'
import { setIncidentSeverity } from '../incident-changes'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs

/** The severity menu on the root message (each option's value: `<incident number>:<severity>`). */
export function createSeverityActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { tell, userId } = readButtonClick(body, client)
    const choice = parseSeverityChoice(action.selected_option?.value ?? '')
    if (!choice) return tell(':warning: That is not a severity I know.')
    const incident = await getIncidentByNumber(deps.db, choice.incidentNumber)
    if (!incident) return tell(':warning: This incident no longer exists.')
    if (incident.status === 'resolved') return tell(`${incidentLabel(incident)} is resolved; its severity stays as it was.`)
    await setIncidentSeverity(deps, client, incident, choice.severity, userId)
  }
}
