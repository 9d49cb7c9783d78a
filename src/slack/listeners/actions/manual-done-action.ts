import { z } from 'zod'
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { renderTemplate } from '../../../core/playbooks/render-template'
import type { Playbook } from '../../../core/playbooks/schema'
import { appendAudit } from '../../../storage/repositories/audit'
import { confirmManualStep, getExecution } from '../../../storage/repositories/playbooks'
import { jobIdFor } from '../../../core/jobs/job-queue'
import { buildManualStepDoneMessage } from '../../blocks/playbook-blocks'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

const manualValue = z.string().regex(/^[0-9a-f-]{36}:\d{1,3}$/)

/** "Done" on a manual step: whoever did it confirms; the run goes on once, however many clicks. */
export function createManualDoneHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { userId, channel, tell } = readButtonClick(body, client)
    const parsed = manualValue.safeParse(action.value)
    if (!parsed.success) return tell(':warning: This step no longer exists.')
    const [executionId, position] = [parsed.data.slice(0, 36), Number(parsed.data.slice(37))]
    const execution = await getExecution(deps.db, executionId)
    const step = (execution?.definition as Playbook | undefined)?.steps[position]
    if (!execution || step?.kind !== 'manual') return tell(':warning: This step no longer exists.')
    const advance = () => deps.queue.enqueue('playbook.advance', { executionId }, { jobId: jobIdFor('advance', executionId, position, 'manual') })
    if (!(await confirmManualStep(deps.db, executionId, position, userId))) {
      // Confirmed but not moved on yet: queued again under the same id, so a confirmation whose job could not be queued is not lost.
      if (execution.status === 'running' && execution.nextStep === position) await advance()
      return tell(`This step is not waiting any more (the run is ${execution.status.replace('_', ' ')}).`)
    }
    await appendAudit(deps.db, {
      actor: userId,
      action: 'manual.confirmed',
      incidentId: execution.incidentId,
      subjectType: 'playbook_execution',
      subjectId: execution.id,
      details: { step: step.id },
      slackChannel: channel,
      slackTs: body.message?.ts,
    })
    const vars = execution.inputs as Record<string, unknown>
    if (channel && body.message?.ts) {
      const done = buildManualStepDoneMessage(renderTemplate(step.title, vars), renderTemplate(step.instruction, vars), userId)
      await client.chat.update({ channel, ts: body.message.ts, text: done.text, blocks: done.blocks })
    }
    await advance()
  }
}
