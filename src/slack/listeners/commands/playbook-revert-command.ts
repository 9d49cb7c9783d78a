import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { truncateText } from '../../../core/truncate-text'
import { buildHelpMessage } from '../../blocks/help-blocks'
import { PROPOSAL_REASON_MAX_CHARS } from '../../blocks/playbook-proposal-blocks'
import type { ListenerDeps } from '../listener-deps'
import { revertPlaybookFor } from '../playbook-decisions'

type Args = Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'command' | 'ack' | 'respond' | 'client'>

/** `/sre playbook-revert <playbook> <version> [reason]`: the owners make an older version current again, as a new version. */
export async function runPlaybookRevertCommand(deps: ListenerDeps, { command, ack, respond, client }: Args, rest: string[]): Promise<void> {
  const [playbookId = '', versionText = '', ...why] = rest
  const version = Number(versionText.replace(/^v/i, ''))
  if (!/^[a-z][a-z0-9-]{2,62}$/.test(playbookId) || !Number.isInteger(version) || version < 1) {
    await ack({ response_type: 'ephemeral', ...buildHelpMessage('Usage: `/sre playbook-revert &lt;playbook&gt; &lt;version&gt; [reason]`.') })
    return
  }
  await ack()
  const reason = why.length ? truncateText(why.join(' '), PROPOSAL_REASON_MAX_CHARS) : null
  await revertPlaybookFor(
    deps,
    client,
    { playbookId, toVersion: version, userId: command.user_id, reason, channel: command.channel_id },
    {
      tell: async (text) => {
        await respond({ response_type: 'ephemeral', text })
      },
      announce: async (message) => {
        await respond({ response_type: 'in_channel', ...message })
      },
    },
  )
}
