import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { parseResponseStage } from '../../../core/incidents/response-stage'
import { buildResolveModal } from '../../blocks/resolution-blocks'
import { postStatusUpdate } from '../incident-changes'
import type { ListenerDeps } from '../listener-deps'
import { resolveModalView } from '../views/open-resolve-modal'
import { openStatusUpdateModal } from '../views/open-status-update-modal'
import { incidentForCommand } from './incident-argument'

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs

const USAGE = '/sre update INC-n [investigating|identified|monitoring|resolved] text'

/**
 * `/sre update [INC-n] [stage] [text]`: with a text, posted at once (at the given stage, else the incident's own);
 * without one, the update form opens. `resolved` opens the Resolve form, which records what fixed it.
 */
export async function runUpdateCommand(deps: ListenerDeps, { command, ack, client }: Args, words: string[]): Promise<void> {
  const target = await incidentForCommand(deps, ack, words, command.channel_id, USAGE)
  if (!target) return
  const { incident } = target
  const label = incidentLabel(incident)
  if (incident.status === 'resolved') {
    await ack({ response_type: 'ephemeral', text: `${label} is already resolved: \`/sre resolve ${label}\` edits what fixed it.` })
    return
  }
  const stage = target.rest[0] ? parseResponseStage(target.rest[0]) : null
  const text = (stage ? target.rest.slice(1) : target.rest).join(' ').trim()
  const opening = { triggerId: command.trigger_id, channel: command.channel_id }
  if (stage === 'resolved') {
    await ack()
    const resolve = await resolveModalView(deps, incident, command.channel_id)
    await client.views.open({ trigger_id: opening.triggerId, view: buildResolveModal(text ? { ...resolve, fixedIt: text } : resolve) })
    return
  }
  if (!text) {
    await ack()
    await openStatusUpdateModal(client, opening, incident, stage ?? undefined)
    return
  }
  await ack({ response_type: 'ephemeral', text: `:memo: Posting your update in ${label}'s thread.` })
  // An open incident's stage is never resolved; the type does not know that.
  const current = incident.responseStage === 'resolved' ? 'monitoring' : incident.responseStage
  await postStatusUpdate(deps, client, incident, { stage: stage ?? current, text, userId: command.user_id })
}
