import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { CAPACITY_SCALE_PLAYBOOKS, scaleOfferOf } from '../../../core/capacity/scale-offer'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { playbookStartJobId } from '../../../core/jobs/job-queue'
import { getAnalysisRecord, getLatestAnalysis } from '../../../storage/repositories/analyses'
import { escapeMrkdwn } from '../../blocks/block-kit'
import type { ListenerDeps } from '../listener-deps'
import { incidentOfButton, readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/**
 * "Scale" under a saturation analysis: starts the built-in run that changes the replicas (or the HPA max)
 * to the suggestion of the incident's latest analysis, read back from storage (the button carries only the
 * incident). The run stops at the approval gate with the dry run; the clicker cannot approve it.
 */
export function createScaleCapacityHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const incident = await incidentOfButton(deps, click, action.value)
    if (!incident || !click.channel) return
    const analysis = await getLatestAnalysis(deps.db, incident.id)
    const record = analysis ? await getAnalysisRecord(deps.db, analysis.id) : null
    const offer = record ? scaleOfferOf(record.evidence) : null
    if (!offer) return click.tell(`The latest analysis of ${incidentLabel(incident)} suggests no scale-up any more; \`/sre capacity\` sizes a service now.`)
    const playbook = CAPACITY_SCALE_PLAYBOOKS[offer.kind]
    await deps.queue.enqueue(
      'playbook.start',
      {
        playbookId: playbook.id,
        incidentNumber: incident.number,
        userId: click.userId,
        channelId: click.channel,
        parameters: { scale: offer },
        reason: `with the Scale button: ${offer.summary}.`,
      },
      { jobId: playbookStartJobId(playbook.id, incident.number, deps.now()) },
    )
    const change = offer.kind === 'hpa-max' ? `the HPA max ${offer.from} → ${offer.to}` : `${offer.from} → ${offer.to} replicas`
    const where = escapeMrkdwn(`${offer.namespace}/${offer.deployment}`)
    await click.tell(`:arrow_forward: Asking for approval to change ${where}: ${change}. You asked for it, so someone else approves.`)
  }
}
