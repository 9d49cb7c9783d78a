import { z } from 'zod'
import type { AllMiddlewareArgs, RespondFn } from '@slack/bolt'
import { errorMessage } from '../../core/errors'
import { escapeMrkdwn } from '../blocks/block-kit'
import type { ListenerDeps } from './listener-deps'

/** What the wrapper needs from Bolt's listener arguments; commands, actions, events and views all fit. */
export interface ListenerArgs extends AllMiddlewareArgs {
  body: unknown
  ack?: (() => Promise<void>) | undefined
  respond?: RespondFn
}

export type Listener<A> = (args: A) => Promise<void>

/** Who asked, from where: read from any Slack payload, for the log and for the answer. */
export interface Asker {
  surface: string
  user?: string
  channel?: string
  threadTs?: string
}

const text = z.string().optional().catch(undefined)
const payloadFields = z.object({
  command: text,
  user_id: text,
  channel_id: text,
  type: text,
  user: z.object({ id: z.string() }).optional().catch(undefined),
  channel: z.object({ id: z.string() }).optional().catch(undefined),
  actions: z
    .array(z.object({ action_id: z.string() }))
    .optional()
    .catch(undefined),
  view: z.object({ callback_id: text }).optional().catch(undefined),
  event: z.object({ type: z.string(), user: text, channel: text, ts: text, thread_ts: text }).optional().catch(undefined),
})

export function askerOf(body: unknown): Asker {
  const parsed = payloadFields.safeParse(body)
  if (!parsed.success) return { surface: 'unknown' }
  const p = parsed.data
  if (p.command) return { surface: `command ${p.command}`, user: p.user_id, channel: p.channel_id }
  if (p.event) return { surface: `event ${p.event.type}`, user: p.event.user, channel: p.event.channel, threadTs: p.event.thread_ts ?? p.event.ts }
  if (p.actions?.length) return { surface: `action ${p.actions[0]!.action_id}`, user: p.user?.id, channel: p.channel?.id }
  return { surface: p.view?.callback_id ? `view ${p.view.callback_id}` : (p.type ?? 'unknown'), user: p.user?.id, channel: p.channel?.id }
}

/** Why it failed, for the user: the driver's own words (drizzle wraps them in `cause` behind the SQL), one line, escaped. */
export function failureReason(err: unknown): string {
  const line = errorMessage(err, { rootCause: true }).split('\n')[0]!.trim() || 'unknown error'
  return escapeMrkdwn(line.length > 200 ? `${line.slice(0, 200)}…` : line)
}

/** `what` completes "I could not …"; the text says what failed, why, and what to do. */
export function failureText(what: string, err: unknown): string {
  return `:warning: I could not ${what} (${failureReason(err)}). Please try again in a minute; if it keeps failing, the bot's log has the details.`
}

/**
 * Answers the user alone: through response_url for commands and clicks, else as an ephemeral message where they spoke,
 * else (a click on the Home tab has neither) in the app's messages tab.
 */
export async function tellWhoAsked(args: ListenerArgs, message: string): Promise<void> {
  if (args.respond) {
    await args.respond({ response_type: 'ephemeral', replace_original: false, text: message })
    return
  }
  const { user, channel, threadTs } = askerOf(args.body)
  if (user && channel) await args.client.chat.postEphemeral({ channel, user, text: message, thread_ts: threadTs })
  else if (user) await args.client.chat.postMessage({ channel: user, text: message })
}

/**
 * The one way a Slack listener runs: Slack gets its ack even when the listener fails before
 * sending it, and a failure is logged with who and where and told to the user, never swallowed.
 */
export function answerFailures<A extends ListenerArgs>(
  deps: Pick<ListenerDeps, 'logger'>,
  what: string | ((args: A) => string),
  listener: Listener<A>,
  tell: (args: A, message: string) => Promise<void> = tellWhoAsked,
): Listener<A> {
  return async (args) => {
    let acked = false
    const original = args.ack
    const ack =
      original &&
      (async (...response: unknown[]) => {
        acked = true
        await (original as (...r: unknown[]) => Promise<void>)(...response)
      })
    // The same arguments with an ack that notes it was called; A's own ack type is kept for the listener.
    const tracked = { ...args, ack } as A
    try {
      await listener(tracked)
      if (ack && !acked) await ack()
    } catch (err) {
      const asker = askerOf(args.body)
      const failed = typeof what === 'function' ? what(args) : what
      deps.logger.error({ err, ...asker }, `could not ${failed}`)
      try {
        if (ack && !acked) await ack()
        await tell(args, failureText(failed, err))
      } catch (tellErr) {
        deps.logger.error({ err: tellErr, ...asker }, 'could not tell the user either')
      }
    }
  }
}
