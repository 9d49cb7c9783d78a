import { z } from 'zod'
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt'

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs

const channelOf = z.object({ channel: z.string().nullish() })

/** A failure after a form closed, told to whoever submitted it in the channel its metadata names (a view has no response_url). */
export async function tellViewSubmitter(args: Args, message: string): Promise<void> {
  let metadata: unknown = null
  try {
    metadata = JSON.parse(args.view.private_metadata || 'null')
  } catch {
    // Unreadable metadata leaves nowhere to tell; answerFailures has logged the failure.
  }
  const channel = channelOf.safeParse(metadata).data?.channel
  if (channel) await args.client.chat.postEphemeral({ channel, user: args.body.user.id, text: message })
}
