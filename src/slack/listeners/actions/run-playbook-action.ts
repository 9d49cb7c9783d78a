import { z } from 'zod'
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { playbookStartJobId } from '../../../core/jobs/job-queue'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

const offerValue = z.string().regex(/^([a-z][a-z0-9-]{2,62}):(\d{1,9})$/)

/** "Run" next to an offered playbook: the same as `/sre run`, with the clicker as requester. */
export function createRunPlaybookActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { userId, channel, tell } = readButtonClick(body, client)
    const parsed = offerValue.safeParse(action.value)
    if (!parsed.success || !channel) return tell(':warning: This offer is no longer valid.')
    const [playbookId, incidentNumber] = [parsed.data.slice(0, parsed.data.lastIndexOf(':')), Number(parsed.data.slice(parsed.data.lastIndexOf(':') + 1))]
    if (!deps.playbooks.some((p) => p.id === playbookId)) return tell(`There is no playbook \`${playbookId}\` any more.`)
    await deps.queue.enqueue(
      'playbook.start',
      { playbookId, incidentNumber, userId, channelId: channel },
      { jobId: playbookStartJobId(playbookId, incidentNumber, deps.now()) },
    )
    await tell(`:arrow_forward: Starting \`${playbookId}\` on INC-${incidentNumber}. You asked for it, so someone else approves its actions.`)
  }
}
