import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** A link button of the Home tab (Open thread, Open request): Slack opened the link itself and still sends the click, which only needs its ack. */
export async function acknowledgeLinkClick({ ack }: Args): Promise<void> {
  await ack()
}
