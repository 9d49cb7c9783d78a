import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import type { WarningMark } from '../../../core/warnings/proactive-warning'
import { appendAudit } from '../../../storage/repositories/audit'
import { markWarningsOfMessage } from '../../../storage/repositories/proactive-warnings'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

const SAID: Record<WarningMark, string> = { useful: 'useful', not_useful: 'not useful' }

/**
 * "Useful" / "Not useful" on a proactive warning message: marks every warning of the message as
 * the clicker judged it and tells them alone. The same click again changes nothing; another
 * responder's mark replaces the previous one, and the clicker is told whose it replaced.
 */
export function createWarningMarkHandler(deps: Pick<ListenerDeps, 'db' | 'now'>, mark: WarningMark) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack()
    const { userId, channel, messageTs, tell } = readButtonClick(body, client)
    if (!channel || !messageTs) return tell(':warning: Could not tell which warning this button belongs to.')
    const message = { channel, ts: messageTs }
    const marked = await markWarningsOfMessage(deps.db, message, mark, userId, deps.now())
    if (marked.outcome === 'no_warning') return tell(':warning: This warning is not stored (yet): try again in a minute.')
    if (marked.outcome === 'unchanged') return tell(`You already marked this warning ${SAID[mark]}.`)
    await appendAudit(deps.db, {
      actor: userId,
      action: 'telemetry.warning.marked',
      subjectType: 'slack_message',
      subjectId: `${channel}:${messageTs}`,
      details: { mark, warnings: marked.warnings, replaced: marked.replaced },
      slackChannel: channel,
      slackTs: messageTs,
    })
    const replaced = marked.replaced.length ? ` (replacing ${marked.replaced.map((r) => `<@${r.by}>'s ${SAID[r.mark]}`).join(', ')})` : ''
    const count = marked.warnings === 1 ? 'this warning' : `the ${marked.warnings} warnings of this message`
    await tell(`${mark === 'useful' ? ':+1:' : ':-1:'} Marked ${count} ${SAID[mark]}${replaced}: it counts in the warnings' accuracy figures.`)
  }
}
