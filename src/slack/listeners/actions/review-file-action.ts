import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { uploadReviewFile } from '../commands/review-command'
import type { ListenerDeps } from '../listener-deps'
import { incidentOfButton, readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** "Markdown file" under the review draft (value: INC-n): the whole review, drafted now, uploaded to the thread. */
export function createReviewFileHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const incident = await incidentOfButton(deps, click, action.value)
    if (!incident) return
    await uploadReviewFile(deps, client, incident, click.userId)
  }
}
