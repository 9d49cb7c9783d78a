import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { parseIncidentLabel } from '../../../core/incidents/incident-label'
import { getIncidentByNumber } from '../../../storage/repositories/incidents'
import { uploadReviewFile } from '../commands/review-command'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** "Markdown file" under the review draft (value: INC-n): the whole review, drafted now, uploaded to the thread. */
export function createReviewFileHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { userId, tell } = readButtonClick(body, client)
    const number = parseIncidentLabel(action.value ?? '')
    const incident = number === null ? null : await getIncidentByNumber(deps.db, number)
    if (!incident) return tell(':warning: This incident no longer exists.')
    await uploadReviewFile(deps, client, incident, userId)
  }
}
