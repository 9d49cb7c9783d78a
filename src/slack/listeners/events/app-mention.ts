import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt'
import { buildHelpMessage } from '../../blocks/help-blocks'
import type { ListenerDeps } from '../listener-deps'

/** "@sre-agent analyze …" works like the slash command; anything else gets help, in the thread. */
export function createAppMentionHandler(deps: ListenerDeps) {
  return async ({ event, say }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs): Promise<void> => {
    const text = event.text.replace(/<@[A-Z0-9]+>/g, '').trim()
    const m = /^analy[sz]e\s+(.+)$/is.exec(text)
    const threadTs = event.thread_ts ?? event.ts
    if (m && event.user) {
      await deps.queue.enqueue('incident.open-and-analyze', { text: m[1]!.trim(), userId: event.user, channelId: event.channel, requestedAt: deps.now().toISOString() })
      await say({ text: ':mag: On it — opening an incident thread.', thread_ts: threadTs })
      return
    }
    await say({ ...buildHelpMessage(), thread_ts: threadTs })
  }
}
