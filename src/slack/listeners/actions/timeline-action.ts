import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { postIncidentTimeline } from '../commands/timeline-command'
import type { ListenerDeps } from '../listener-deps'
import { incidentOfButton, readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** Timeline on the incident's root message (value: the incident number): posts the timeline in the thread. */
export function createTimelineActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const incident = await incidentOfButton(deps, click, action.value)
    if (!incident) return
    await postIncidentTimeline(deps, client, incident, click.channel ? { channel: click.channel } : undefined)
  }
}
