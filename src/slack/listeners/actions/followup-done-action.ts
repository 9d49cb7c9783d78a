import { z } from 'zod'
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { appendAudit } from '../../../storage/repositories/audit'
import { closeFollowupAction, getFollowupAction } from '../../../storage/repositories/followup-actions'
import { truncateText } from '../../../core/truncate-text'
import { requestHomeRefresh } from '../../../storage/repositories/home-viewers'
import { escapeMrkdwn } from '../../blocks/block-kit'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** "Done" on a follow-up action (value: its id), from `/sre actions` or a reminder: closes it once, whoever clicks. */
export function createFollowupDoneHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { userId, tell } = readButtonClick(body, client)
    const id = z.uuid().safeParse(action.value)
    const found = id.success ? await getFollowupAction(deps.db, id.data) : null
    if (!found) return tell(':warning: This follow-up action no longer exists.')
    if (!(await closeFollowupAction(deps.db, found.id, userId, deps.now()))) return tell('This follow-up action was already done.')
    await appendAudit(deps.db, {
      actor: userId,
      action: 'followup.closed',
      incidentId: found.incidentId,
      subjectType: 'followup_action',
      subjectId: found.id,
      details: { text: found.text, owner: found.owner },
    })
    await tell(`:white_check_mark: Marked done: ${escapeMrkdwn(truncateText(found.text, 200))}`)
    await requestHomeRefresh(deps)
  }
}
