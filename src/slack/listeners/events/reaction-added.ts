import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt'
import type { WebClient } from '@slack/web-api'
import { z } from 'zod'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { truncateText } from '../../../core/truncate-text'
import { recordIncidentEvent } from '../../../storage/repositories/incident-events'
import { channelHasIncidents, findIncidentOfMessage } from '../../../storage/repositories/incident-timeline'
import type { ListenerDeps } from '../listener-deps'

type Args = SlackEventMiddlewareArgs<'reaction_added'> & AllMiddlewareArgs

export const DEFAULT_TIMELINE_REACTION = 'pushpin'
/** A pinned message is one line of the timeline; its permalink leads to the whole. */
const PINNED_TEXT_CHARS = 500

const messageSchema = z.object({ ts: z.string(), thread_ts: z.string().optional(), user: z.string().optional(), text: z.string().optional() })
const messagesSchema = z.object({ messages: z.array(z.unknown()).optional() })

/**
 * A responder reacting with TIMELINE_REACTION (:pushpin:) on a message of an incident's thread (or its own channel)
 * adds the message to the incident's timeline, once however many react.
 */
export function createReactionAddedHandler(deps: ListenerDeps) {
  const wanted = deps.config.TIMELINE_REACTION ?? DEFAULT_TIMELINE_REACTION
  return async ({ event, client }: Args): Promise<void> => {
    // Skin tones arrive as "thumbsup::skin-tone-2".
    if (event.reaction.split('::')[0] !== wanted || event.item.type !== 'message') return
    const { channel, ts } = event.item
    // Checked before asking Slack for the message: most reactions are in channels no incident lives in.
    if (!(await channelHasIncidents(deps.db, channel))) return
    const message = await findMessage(client, channel, ts)
    if (!message) return
    const incident = await findIncidentOfMessage(deps.db, channel, message.thread_ts ?? message.ts)
    if (!incident) return
    const permalink = await client.chat.getPermalink({ channel, message_ts: ts })
    const author = message.user ? `<@${message.user}>` : 'a message'
    const text = message.text?.replace(/\s+/g, ' ').trim() || '(a message without text)'
    const recorded = await recordIncidentEvent(deps.db, {
      incidentId: incident.id,
      occurredAt: new Date(Number(ts) * 1000),
      kind: 'pinned_message',
      actor: event.user,
      text: truncateText(text, PINNED_TEXT_CHARS),
      link: permalink.permalink ?? null,
      details: { channel, ts, author: message.user ?? null, pinnedAt: deps.now().toISOString() },
      dedupeKey: `${channel}:${ts}`,
    })
    if (recorded) {
      await client.chat.postEphemeral({
        channel,
        user: event.user,
        thread_ts: message.thread_ts,
        text: `:pushpin: Added ${author === 'a message' ? 'the message' : `${author}'s message`} to the timeline of ${incidentLabel(incident)}.`,
      })
    }
  }
}

/** What answerFailures tells the responder when the pin could not be recorded: in the channel they reacted in. */
export async function tellReactor(args: Args, message: string): Promise<void> {
  await args.client.chat.postEphemeral({ channel: args.event.item.channel, user: args.event.user, text: message })
}

/** The reacted message: a top-level one from the channel's history, else a reply from its thread. */
async function findMessage(client: WebClient, channel: string, ts: string): Promise<z.infer<typeof messageSchema> | null> {
  const pick = (answer: unknown) =>
    (messagesSchema.parse(answer).messages ?? []).map((m) => messageSchema.safeParse(m)).find((m) => m.success && m.data.ts === ts)?.data ?? null
  const top = pick(await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 }))
  if (top) return top
  return pick(await client.conversations.replies({ channel, ts }))
}
