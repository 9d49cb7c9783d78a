import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { buildDeclareModal, TITLE_MAX } from '../../blocks/lifecycle-blocks'

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs

/** `/sre declare [title]`: opens the Declare form, its title pre-filled with what was typed after the command. */
export async function runDeclareCommand({ command, ack, client }: Args, args: string): Promise<void> {
  await ack()
  const view = buildDeclareModal({ channel: command.channel_id, initialTitle: args.slice(0, TITLE_MAX) })
  await client.views.open({ trigger_id: command.trigger_id, view })
}
