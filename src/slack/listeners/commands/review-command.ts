import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import type { WebClient } from '@slack/web-api'
import { incidentLabel, parseIncidentLabel } from '../../../core/incidents/incident-label'
import { draftReview, reviewToMarkdown } from '../../../core/incidents/review'
import { reviewJobId } from '../../../core/jobs/job-queue'
import { loadReviewInput } from '../../../storage/repositories/incident-review'
import { findIncidentOfChannel } from '../../../storage/repositories/incident-timeline'
import { getIncidentByNumber, type Incident } from '../../../storage/repositories/incidents'
import { buildHelpMessage } from '../../blocks/help-blocks'
import type { ListenerDeps } from '../listener-deps'

type Args = Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'command' | 'ack' | 'respond' | 'client'>

const USAGE = 'Usage: `/sre review [INC-n] [again | file]`.'

/** The whole review draft, as Markdown, uploaded to the incident's thread with files.uploadV2. */
export async function uploadReviewFile(deps: Pick<ListenerDeps, 'db'>, client: WebClient, incident: Incident, user: string): Promise<void> {
  if (!incident.slackChannel || !incident.slackTs) return
  const markdown = reviewToMarkdown(draftReview(await loadReviewInput(deps.db, incident)))
  await client.files.uploadV2({
    channel_id: incident.slackChannel,
    thread_ts: incident.slackTs,
    file: Buffer.from(markdown, 'utf8'),
    filename: `review-inc-${incident.number}.md`,
    title: `Post-incident review of ${incidentLabel(incident)}`,
    initial_comment: `<@${user}> asked for the review draft of ${incidentLabel(incident)} as Markdown.`,
  })
}

/**
 * `/sre review [INC-n] [again | file]`: the incident named, else the one of this channel. Its review draft is posted
 * in its thread by a worker, once per recorded resolution (`again` drafts it anew from what is stored now);
 * `file` uploads the whole review as Markdown to the thread instead.
 */
export async function answerReviewCommand(deps: ListenerDeps, { command, ack, respond, client }: Args, rest: string[]): Promise<void> {
  const words = rest.map((w) => w.toLowerCase())
  const label = rest.find((w) => !['again', 'file'].includes(w.toLowerCase()))
  const number = label ? parseIncidentLabel(label) : null
  if ((label && number === null) || (words.includes('again') && words.includes('file'))) {
    await ack({ response_type: 'ephemeral', ...buildHelpMessage(USAGE) })
    return
  }
  const incident = number === null ? await findIncidentOfChannel(deps.db, command.channel_id) : await getIncidentByNumber(deps.db, number)
  if (!incident) {
    await ack({
      response_type: 'ephemeral',
      text: number === null ? 'No incident was posted in this channel: use `/sre review INC-n`.' : `There is no INC-${number}.`,
    })
    return
  }
  if (!incident.slackChannel || !incident.slackTs) {
    await ack({ response_type: 'ephemeral', text: `${incidentLabel(incident)} has no Slack thread to post its review in: \`sre-agent review\` exports it.` })
    return
  }
  if (words.includes('file')) {
    await ack()
    await uploadReviewFile(deps, client, incident, command.user_id)
    await respond({ response_type: 'ephemeral', text: `:page_facing_up: The review of ${incidentLabel(incident)} is in its thread as a Markdown file.` })
    return
  }
  const again = words.includes('again')
  const version = again ? `again-${deps.now().getTime()}` : (incident.resolutionRecordedAt?.toISOString() ?? 'unrecorded')
  // Queued before the ack: the answer says what will happen only once the job is safely in the queue.
  await deps.queue.enqueue('incident.draft-review', { incidentId: incident.id, version }, { jobId: reviewJobId(incident.id, version) })
  const once = again ? '' : ' It is posted once per recorded resolution: `/sre review INC-n again` drafts it anew.'
  await ack({
    response_type: 'ephemeral',
    text: `:memo: The review draft of ${incidentLabel(incident)} goes to its thread.${once.replace('INC-n', incidentLabel(incident))}`,
  })
}
