import type { BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt'
import type { WebClient } from '@slack/web-api'
import { parseIncidentLabel } from '../../../core/incidents/incident-label'
import { getIncidentByNumber, type Incident } from '../../../storage/repositories/incidents'
import type { ListenerDeps } from '../listener-deps'

/** Who clicked, where, and a way to answer them alone (ephemerally, in the same thread; from the Home tab, in the app's messages). */
export interface ButtonClick {
  userId: string
  channel: string | undefined
  messageTs: string | undefined
  tell(text: string): Promise<void>
}

/** Reads a button click, or a choice in a menu of a message, which Slack sends alike. */
export function readButtonClick(body: BlockAction<ButtonAction | StaticSelectAction>, client: WebClient): ButtonClick {
  const userId = body.user.id
  const channel = body.channel?.id ?? body.container?.channel_id
  const messageTs = body.message?.ts ?? body.container?.message_ts
  const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts
  return {
    userId,
    channel,
    messageTs,
    async tell(text) {
      // A click on the Home tab comes from a view, with no channel to answer in: the answer goes to the app's messages tab.
      if (channel) await client.chat.postEphemeral({ channel, user: userId, text, thread_ts: threadTs })
      else await client.chat.postMessage({ channel: userId, text })
    },
  }
}

/** The incident a button names in its value (INC-n or its number); the clicker is told when there is none. */
export async function incidentOfButton(deps: Pick<ListenerDeps, 'db'>, click: ButtonClick, value: string | undefined): Promise<Incident | null> {
  const number = parseIncidentLabel(value ?? '')
  const incident = number === null ? null : await getIncidentByNumber(deps.db, number)
  if (!incident) await click.tell(':warning: This incident no longer exists.')
  return incident
}
