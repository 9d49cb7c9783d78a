import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { type FollowupActionInput, parseActionCommand } from '../../../core/incidents/followup-action'
import { incidentLabel, parseIncidentLabel } from '../../../core/incidents/incident-label'
import { jobIdFor } from '../../../core/jobs/job-queue'
import { createFollowupAction, followupView, listFollowupActionsOfIncident, listOpenFollowupActions } from '../../../storage/repositories/followup-actions'
import { getIncidentByNumber, type Incident } from '../../../storage/repositories/incidents'
import { buildFollowupListMessage, followupLine } from '../../blocks/followup-blocks'
import { buildHelpMessage } from '../../blocks/help-blocks'
import type { ListenerDeps } from '../listener-deps'

type Args = Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'command' | 'ack'>

/** How many actions `/sre actions` reads (it shows fewer and counts the rest). */
const LIST_LIMIT = 200

/** Stores the action and queues its announcement (thread note, webhook): the job id makes a retried enqueue one job. */
export async function addFollowupAction(deps: Pick<ListenerDeps, 'db' | 'queue' | 'now'>, incident: Incident, input: FollowupActionInput, by: string) {
  const action = await createFollowupAction(deps.db, { incidentId: incident.id, ...input, createdBy: by }, deps.now())
  await deps.queue.enqueue('followup.announce', { actionId: action.id }, { jobId: jobIdFor('followup', action.id) })
  return action
}

/** `/sre action INC-n @owner [due YYYY-MM-DD] text`: adds a follow-up action to the incident's review. */
export async function runActionCommand(deps: ListenerDeps, { command, ack }: Args, rest: string[]): Promise<void> {
  const parsed = parseActionCommand(rest)
  if (!parsed.ok) {
    await ack({ response_type: 'ephemeral', ...buildHelpMessage(parsed.problem) })
    return
  }
  const incident = await getIncidentByNumber(deps.db, parsed.incidentNumber)
  if (!incident) {
    await ack({ response_type: 'ephemeral', text: `There is no INC-${parsed.incidentNumber}.` })
    return
  }
  const action = await addFollowupAction(deps, incident, parsed.action, command.user_id)
  await ack({
    response_type: 'ephemeral',
    text: `:clipboard: Added to ${incidentLabel(incident)}: ${followupLine(followupView(action, incident), { incident: false })}`,
  })
}

/** `/sre actions [mine | INC-n]`: open follow-up actions (all, yours, or one incident's, done ones included), each with Done. */
export async function answerActionsCommand(deps: ListenerDeps, { command, ack }: Args, rest: string[]): Promise<void> {
  const [arg = ''] = rest
  if (arg && arg.toLowerCase() !== 'mine' && parseIncidentLabel(arg) === null) {
    await ack({ response_type: 'ephemeral', ...buildHelpMessage('Usage: `/sre actions [mine | INC-n]`.') })
    return
  }
  const number = arg ? parseIncidentLabel(arg) : null
  if (number !== null) {
    const incident = await getIncidentByNumber(deps.db, number)
    if (!incident) {
      await ack({ response_type: 'ephemeral', text: `There is no INC-${number}.` })
      return
    }
    const actions = (await listFollowupActionsOfIncident(deps.db, incident.id)).map((a) => followupView(a, incident))
    await ack({ response_type: 'ephemeral', ...buildFollowupListMessage(`Follow-up actions of ${incidentLabel(incident)}`, actions, actions.length) })
    return
  }
  const mine = arg.toLowerCase() === 'mine'
  const rows = await listOpenFollowupActions(deps.db, { owner: mine ? command.user_id : undefined, limit: LIST_LIMIT })
  const actions = rows.map((r) => followupView(r, { number: r.incidentNumber, title: r.incidentTitle }))
  await ack({
    response_type: 'ephemeral',
    ...buildFollowupListMessage(mine ? 'Your open follow-up actions' : 'Open follow-up actions', actions, actions.length),
  })
}
