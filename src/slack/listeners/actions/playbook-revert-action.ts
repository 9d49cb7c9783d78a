import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import type { ListenerDeps } from '../listener-deps'
import { revertPlaybookFor } from '../playbook-decisions'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

// `<playbook>:<version to restore>:<version the message announced>`
const revertValue = /^([a-z][a-z0-9-]{2,62}):(\d{1,6}):(\d{1,6})$/

/**
 * Revert on a "new version" message: the version it replaced becomes current again (as a new version), for the owners
 * only, and only while the announced version is still current, so a double click reverts once.
 */
export function createPlaybookRevertHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const parsed = revertValue.exec(action.value ?? '')
    if (!parsed) return click.tell(':warning: This version no longer exists.')
    const [, playbookId = '', to = '', announced = ''] = parsed
    const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts ?? click.messageTs
    await revertPlaybookFor(
      deps,
      client,
      { playbookId, toVersion: Number(to), userId: click.userId, reason: null, expectCurrent: Number(announced), channel: click.channel ?? null },
      {
        tell: click.tell,
        async announce(message) {
          if (click.channel) await client.chat.postMessage({ channel: click.channel, thread_ts: threadTs, ...message })
        },
      },
    )
  }
}
