import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt'
import { ANALYZE_TEXT_MAX_CHARS } from '../../../core/jobs/job-queue'
import { analyzeTextTooLong, buildHelpMessage } from '../../blocks/help-blocks'
import type { ListenerDeps } from '../listener-deps'

const ANALYZE = /^analy[sz]e\s+(.+)$/is

const withoutMentions = (text: string) => text.replace(/<@[A-Z0-9]+>/g, '').trim()

/** What a mention was asking for when it failed, to complete "I could not …". */
export function whatMentionAsks(text: string): string {
  return ANALYZE.test(withoutMentions(text)) ? 'start the analysis' : 'answer your mention'
}

/** "@sre-agent analyze …" works like the slash command; anything else gets help, in the thread. */
export function createAppMentionHandler(deps: ListenerDeps) {
  return async ({ event, say }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs): Promise<void> => {
    const m = ANALYZE.exec(withoutMentions(event.text))
    const threadTs = event.thread_ts ?? event.ts
    if (m && event.user && m[1]!.trim().length > ANALYZE_TEXT_MAX_CHARS) {
      await say({ text: analyzeTextTooLong(m[1]!.trim().length), thread_ts: threadTs })
      return
    }
    if (m && event.user) {
      await deps.queue.enqueue('incident.open-and-analyze', {
        text: m[1]!.trim(),
        userId: event.user,
        channelId: event.channel,
        requestedAt: deps.now().toISOString(),
      })
      await say({ text: ':mag: On it — opening an incident thread.', thread_ts: threadTs })
      return
    }
    await say({ ...buildHelpMessage(), thread_ts: threadTs })
  }
}
