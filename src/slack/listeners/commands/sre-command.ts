import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { summarizeRetrieval } from '../../../core/correlation/summarize-retrieval'
import { calibrationModelSchema, uncalibrated, type CalibrationModel } from '../../../core/confidence/calibration'
import { type CorrelationQuery, correlateIncident, correlationQueryFor, SIMILAR_INCIDENTS_SHOWN } from '../../../core/correlation/correlate-incident'
import { HashingEmbedder } from '../../../core/correlation/hashing-embedder'
import { incidentLabel, parseIncidentLabel } from '../../../core/incidents/incident-label'
import { serviceFromText } from '../../../core/incidents/service-from-text'
import { getAnalysisRecord, getLatestAnalysis, getLatestCalibration, storedReasoningSteps } from '../../../storage/repositories/analyses'
import { getIncidentByNumber, getLatestIncidentInChannel, listKnownServices } from '../../../storage/repositories/incidents'
import { getIncidentEmbedding } from '../../../storage/repositories/incident-embeddings'
import { searchIncidentCandidates } from '../../../storage/repositories/similar-incidents-search'
import { buildSimilarIncidentsMessage } from '../../blocks/analysis-blocks'
import { buildStoredTrailMessages } from '../../blocks/analysis-summary-blocks'
import { escapeMrkdwn, percent, section } from '../../blocks/block-kit'
import { analyzeTextTooLong, buildHelpMessage, buildPlaybookListMessage } from '../../blocks/help-blocks'
import { ANALYZE_TEXT_MAX_CHARS, playbookStartJobId } from '../../../core/jobs/job-queue'
import { failureReason } from '../answer-failures'
import type { ListenerDeps } from '../listener-deps'
import { openResolveModal } from '../views/open-resolve-modal'
import { runCommanderCommand } from './commander-command'
import { runDeclareCommand } from './declare-command'
import { runSeverityCommand } from './severity-command'
import { runUpdateCommand } from './update-command'
import { answerTimelineCommand } from './timeline-command'
import { answerBlueprint } from './blueprint-command'
import { answerCapacity } from './capacity-command'
import { answerReviewCommand } from './review-command'
import { answerActionsCommand, runActionCommand } from './followup-commands'
import { runPlaybookRevertCommand } from './playbook-revert-command'
import { currentPlaybooks } from '../../../storage/repositories/playbook-versions'
import { runDigestCommand } from './digest-command'
import { answerIncidents, INCIDENTS_USAGE, parseIncidentsArguments } from './incidents-command'
import { answerPlaybookStats } from './playbook-stats-command'

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs

/** Slack allows five replies per response_url: the trail shows four parts and says how to get the rest. */
const TRAIL_PARTS_PER_COMMAND = 4

/** What `/sre <text>` was doing when it failed, to complete "I could not …". */
export function whatSreCommandDoes(text: string): string {
  const [sub = ''] = text.trim().split(/\s+/)
  switch (sub.toLowerCase()) {
    case 'analyze':
    case 'analyse':
      return 'start the analysis'
    case 'incidents':
      return /\s--since\b/.test(text) ? 'list the incidents' : 'list the open incidents'
    case 'digest':
      return 'queue the digest'
    case 'run':
      return 'start the playbook run'
    case 'similar':
      return 'search the incident history'
    case 'trail':
      return 'read the reasoning trail'
    case 'resolve':
      return 'open the Resolve form'
    case 'declare':
      return 'open the Declare form'
    case 'update':
      return 'post the status update'
    case 'severity':
      return 'change the severity'
    case 'commander':
      return 'name the incident commander'
    case 'timeline':
      return 'post the timeline'
    case 'blueprint':
      return 'draw the service blueprint'
    case 'capacity':
      return 'size the service'
    case 'review':
      return 'draft the post-incident review'
    case 'action':
      return 'add the follow-up action'
    case 'actions':
      return 'list the follow-up actions'
    case 'playbook-revert':
      return 'revert the playbook'
    case 'playbook-stats':
      return 'compute the playbook figures'
    default:
      return 'answer your command'
  }
}

/** `/sre <subcommand>`: acknowledges at once, then hands the work to a job; a failure after the ack is answered by answerFailures. */
export function createSreCommandHandler(deps: ListenerDeps) {
  return async (listenerArgs: Args): Promise<void> => {
    const { command, ack, respond, client } = listenerArgs
    const [sub = '', ...rest] = command.text.trim().split(/\s+/)
    const args = rest.join(' ')
    switch (sub.toLowerCase()) {
      case 'analyze':
      case 'analyse': {
        if (!args) {
          await ack({
            response_type: 'ephemeral',
            ...buildHelpMessage('`/sre analyze` needs a description, e.g. `/sre analyze checkout-db connection timeouts`.'),
          })
          return
        }
        if (args.length > ANALYZE_TEXT_MAX_CHARS) {
          await ack({ response_type: 'ephemeral', text: analyzeTextTooLong(args.length) })
          return
        }
        const requestedAt = deps.now().toISOString()
        // Queued before the ack (the enqueue has a deadline under Slack's 3 s): the command is stored nowhere else, so the answer must be true.
        const queued = await deps.queue
          .enqueue('incident.open-and-analyze', { text: args, userId: command.user_id, channelId: command.channel_id, requestedAt })
          .then(
            () => null,
            (err: unknown) => err,
          )
        if (queued !== null) {
          deps.logger.error({ err: queued, user: command.user_id, channel: command.channel_id }, 'could not queue /sre analyze')
          await ack({
            response_type: 'ephemeral',
            text:
              `:warning: I could not queue the analysis of _${escapeMrkdwn(args)}_ (${failureReason(queued)}). ` +
              'Nothing was started: please run the command again in a minute.',
          })
          return
        }
        await ack({ response_type: 'ephemeral', text: `:mag: Analyzing _${escapeMrkdwn(args)}_ — an incident thread will open in this channel.` })
        return
      }
      case 'incidents': {
        const filter = parseIncidentsArguments(rest)
        if ('problem' in filter) {
          await ack({ response_type: 'ephemeral', text: `${filter.problem}\n${INCIDENTS_USAGE}` })
          return
        }
        await ack()
        await answerIncidents(deps, filter, respond)
        return
      }
      case 'digest':
        return runDigestCommand(deps, { command, ack }, rest)
      case 'run': {
        const [playbookId = '', label = ''] = rest
        const incidentNumber = parseIncidentLabel(label)
        if (!deps.playbooks.some((p) => p.id === playbookId) || incidentNumber === null) {
          await ack({
            response_type: 'ephemeral',
            ...buildHelpMessage(
              deps.playbooks.some((p) => p.id === playbookId)
                ? 'Usage: `/sre run &lt;playbook&gt; &lt;INC-n&gt;`.'
                : `There is no playbook \`${escapeMrkdwn(playbookId)}\`; \`/sre playbooks\` lists them.`,
            ),
          })
          return
        }
        await ack({
          response_type: 'ephemeral',
          text: `:arrow_forward: Starting \`${playbookId}\` on INC-${incidentNumber}; progress goes to the incident thread.`,
        })
        await deps.queue.enqueue(
          'playbook.start',
          { playbookId, incidentNumber, userId: command.user_id, channelId: command.channel_id },
          { jobId: playbookStartJobId(playbookId, incidentNumber, deps.now()) },
        )
        return
      }
      case 'similar': {
        if (!args) {
          await ack({
            response_type: 'ephemeral',
            ...buildHelpMessage(
              '`/sre similar` needs a description or an incident, e.g. `/sre similar checkout-db connection timeouts` or `/sre similar INC-42`.',
            ),
          })
          return
        }
        await ack()
        await answerSimilar(deps, args, respond)
        return
      }
      case 'trail': {
        const [label = '', from = '1'] = rest
        const number = parseIncidentLabel(label)
        const first = Number(from)
        if (number === null || !Number.isInteger(first) || first < 1) {
          await ack({ response_type: 'ephemeral', ...buildHelpMessage('Usage: `/sre trail &lt;INC-n&gt; [part]`.') })
          return
        }
        await ack()
        await answerTrail(deps, number, first, respond)
        return
      }
      case 'resolve': {
        const number = rest[0] ? parseIncidentLabel(rest[0]) : null
        if (rest[0] && number === null) {
          await ack({ response_type: 'ephemeral', ...buildHelpMessage('Usage: `/sre resolve [INC-n]`.') })
          return
        }
        const incident = number === null ? await getLatestIncidentInChannel(deps.db, command.channel_id) : await getIncidentByNumber(deps.db, number)
        if (!incident) {
          await ack({
            response_type: 'ephemeral',
            text: number === null ? 'No incident was posted in this channel: use `/sre resolve INC-n`.' : `There is no INC-${number}.`,
          })
          return
        }
        await ack()
        await openResolveModal(deps, client, { triggerId: command.trigger_id, channel: command.channel_id }, incident)
        return
      }
      case 'declare':
        await runDeclareCommand(listenerArgs, args)
        return
      case 'update':
        await runUpdateCommand(deps, listenerArgs, rest)
        return
      case 'severity':
        await runSeverityCommand(deps, listenerArgs, rest)
        return
      case 'commander':
        await runCommanderCommand(deps, listenerArgs, rest)
        return
      case 'timeline':
        return answerTimelineCommand(deps, { command, ack, respond, client }, rest[0])
      case 'review':
        return answerReviewCommand(deps, { command, ack, respond, client }, rest)
      case 'action':
        return runActionCommand(deps, { command, ack }, rest)
      case 'actions':
        return answerActionsCommand(deps, { command, ack }, rest)
      case 'blueprint': {
        await ack()
        await answerBlueprint(deps, client, { channel: command.channel_id, user: command.user_id }, rest[0] ?? null, respond)
        return
      }
      case 'capacity': {
        if (!rest[0]) {
          await ack({ response_type: 'ephemeral', ...buildHelpMessage('Usage: `/sre capacity &lt;service&gt;` (or `&lt;namespace&gt;/&lt;service&gt;`).') })
          return
        }
        await ack()
        await answerCapacity(deps, rest[0], respond)
        return
      }
      case 'playbook-revert':
        return runPlaybookRevertCommand(deps, { command, ack, respond, client }, rest)
      case 'playbooks': {
        // The current versions: an edit approved since the bot started shows with its number.
        await ack({ response_type: 'ephemeral', ...buildPlaybookListMessage(await currentPlaybooks(deps.db, deps.playbooks)) })
        return
      }
      case 'playbook-stats': {
        await ack()
        await answerPlaybookStats(deps, rest[0] ?? null, respond)
        return
      }
      case '':
      case 'help':
        await ack({ response_type: 'ephemeral', ...buildHelpMessage() })
        return
      default:
        await ack({ response_type: 'ephemeral', ...buildHelpMessage(`I don't know \`/sre ${escapeMrkdwn(sub)}\`.`) })
    }
  }
}

/** `/sre similar <text | INC-n>`: the past incidents most like it, each with why, and how sure. */
async function answerSimilar(deps: ListenerDeps, args: string, respond: RespondFn): Promise<void> {
  const embedder = deps.embedder ?? new HashingEmbedder()
  const number = parseIncidentLabel(args)
  const incident = number === null ? null : await getIncidentByNumber(deps.db, number)
  if (number !== null && !incident) {
    await respond({ response_type: 'ephemeral', text: `There is no INC-${number}.` })
    return
  }
  let query: CorrelationQuery
  if (incident) {
    const stored = await getIncidentEmbedding(deps.db, incident.id)
    query = correlationQueryFor(incident, stored && stored.model === embedder.name ? stored : null)
  } else {
    const service = serviceFromText(args, await listKnownServices(deps.db))
    query = { text: args, service, resourceType: null, policyName: null, before: deps.now(), limit: SIMILAR_INCIDENTS_SHOWN }
  }
  const correlation = await correlateIncident(query, { embedder, search: { searchCandidates: (q) => searchIncidentCandidates(deps.db, q) } })
  const calibration = await latestCalibration(deps, 'retrieval')
  const retrieval = summarizeRetrieval(correlation, calibration, deps.config.CONFIDENCE_THRESHOLD)
  const { confidence } = retrieval
  const message = buildSimilarIncidentsMessage(correlation.matches, retrieval)
  const subject = incident
    ? `${incidentLabel(incident)} ${escapeMrkdwn(incident.title)}`
    : `_${escapeMrkdwn(args.length > 200 ? `${args.slice(0, 200)}…` : args)}_`
  const how =
    correlation.mode === 'hybrid' ? `${correlation.embeddingModel} embeddings, keywords and structured signals` : 'keywords and structured signals only'
  await respond({
    response_type: 'ephemeral',
    text: message.text,
    blocks: [
      section(`:mag: Past incidents like ${subject} — ranked by ${how}; best match ${percent(confidence.probability)} likely the same problem.`),
      ...message.blocks,
    ],
  })
}

/** `/sre trail <INC-n> [part]`: the stored reasoning trail of the latest analysis, in as many parts as it takes. */
async function answerTrail(deps: ListenerDeps, number: number, first: number, respond: RespondFn): Promise<void> {
  const incident = await getIncidentByNumber(deps.db, number)
  const analysis = incident ? await getLatestAnalysis(deps.db, incident.id) : null
  const record = analysis ? await getAnalysisRecord(deps.db, analysis.id) : null
  if (!incident || !record) {
    await respond({ response_type: 'ephemeral', text: incident ? `INC-${number} has not been analysed yet.` : `There is no INC-${number}.` })
    return
  }
  const { status, summary, error, confidence } = record.analysis
  const trail = { steps: storedReasoningSteps(record), outcome: { status, summary, error, confidence }, factors: record.factors }
  const parts = buildStoredTrailMessages(trail, `Reasoning trail of ${incidentLabel(incident)}`)
  if (first > parts.length) {
    await respond({ response_type: 'ephemeral', text: `The trail of INC-${number} has ${parts.length} part(s).` })
    return
  }
  const shown = parts.slice(first - 1, first - 1 + TRAIL_PARTS_PER_COMMAND)
  for (const part of shown) await respond({ response_type: 'ephemeral', ...part })
  const next = first + shown.length
  if (next <= parts.length) {
    await respond({
      response_type: 'ephemeral',
      text: `Parts ${next}–${parts.length} of ${parts.length} are not shown here (Slack allows five replies): \`/sre trail INC-${number} ${next}\` shows them.`,
    })
  }
}

async function latestCalibration(deps: ListenerDeps, kind: 'retrieval' | 'diagnosis'): Promise<CalibrationModel> {
  const latest = await getLatestCalibration(deps.db, kind)
  const parsed = latest
    ? calibrationModelSchema.safeParse({ ...(latest.model as object), method: latest.method, samples: latest.samples, positives: latest.positives })
    : null
  return parsed?.success ? parsed.data : uncalibrated()
}
