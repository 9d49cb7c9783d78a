import { z } from 'zod'
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { jobIdFor, resolutionJobId, reviewJobId } from '../../../core/jobs/job-queue'
import { diagnosisLabelSchema, resolutionOutcomeSchema, type ResolutionAnswers } from '../../../core/incidents/resolution'
import { recordResolution } from '../../../storage/repositories/incident-resolutions'
import { getIncident } from '../../../storage/repositories/incidents'
import { buildResolutionRecordedMessage, NO_SAME_INCIDENT, RESOLVE_BLOCK } from '../../blocks/resolution-blocks'
import type { ListenerDeps } from '../listener-deps'
import { fieldErrors } from './field-errors'

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs

const metadataSchema = z.object({ incidentId: z.uuid(), channel: z.string().nullish() })

const textValue = z.object({ value: z.string().nullish() })
const selectedValue = z.object({ selected_option: z.object({ value: z.string() }).nullish() })
// view.state as Slack sends it: block id → action id (the same here) → the input's value.
const input = <S extends z.ZodType>(blockId: string, shape: S) => z.object({ [blockId]: shape }).optional()
const stateSchema = z.object({
  [RESOLVE_BLOCK.resolution]: input(RESOLVE_BLOCK.resolution, textValue),
  [RESOLVE_BLOCK.outcome]: input(RESOLVE_BLOCK.outcome, selectedValue),
  [RESOLVE_BLOCK.rootCause]: input(RESOLVE_BLOCK.rootCause, textValue),
  [RESOLVE_BLOCK.contributingFactors]: input(RESOLVE_BLOCK.contributingFactors, textValue),
  [RESOLVE_BLOCK.diagnosis]: input(RESOLVE_BLOCK.diagnosis, selectedValue),
  [RESOLVE_BLOCK.sameIncident]: input(RESOLVE_BLOCK.sameIncident, selectedValue),
})

// Each field's message is shown under its input, so the keys are the modal's block ids.
const answersSchema = z.object({
  [RESOLVE_BLOCK.resolution]: z.string().trim().min(1, 'Say what fixed it.').max(3000, 'Keep it under 3000 characters.'),
  [RESOLVE_BLOCK.outcome]: resolutionOutcomeSchema.nullish().refine((v) => v != null, 'Pick whether it worked.'),
  [RESOLVE_BLOCK.rootCause]: z.string().trim().max(3000, 'Keep it under 3000 characters.'),
  [RESOLVE_BLOCK.contributingFactors]: z.string().trim().max(3000, 'Keep it under 3000 characters.'),
  [RESOLVE_BLOCK.diagnosis]: diagnosisLabelSchema.nullish().refine((v) => v != null, 'Pick whether the diagnosis was right.'),
  [RESOLVE_BLOCK.sameIncident]: z.union([z.literal(NO_SAME_INCIDENT), z.uuid('Pick one of the listed incidents.')]),
})

function readAnswers(values: unknown) {
  const state = stateSchema.parse(values)
  const text = (block: keyof typeof state) => (state[block]?.[block] as { value?: string | null } | undefined)?.value ?? ''
  const choice = (block: keyof typeof state) =>
    (state[block]?.[block] as { selected_option?: { value: string } | null } | undefined)?.selected_option?.value ?? null
  return answersSchema.safeParse({
    [RESOLVE_BLOCK.resolution]: text(RESOLVE_BLOCK.resolution),
    [RESOLVE_BLOCK.outcome]: choice(RESOLVE_BLOCK.outcome),
    [RESOLVE_BLOCK.rootCause]: text(RESOLVE_BLOCK.rootCause),
    [RESOLVE_BLOCK.contributingFactors]: text(RESOLVE_BLOCK.contributingFactors),
    [RESOLVE_BLOCK.diagnosis]: choice(RESOLVE_BLOCK.diagnosis),
    [RESOLVE_BLOCK.sameIncident]: choice(RESOLVE_BLOCK.sameIncident) ?? NO_SAME_INCIDENT,
  })
}

/** A failure after Save, told to whoever saved it in the incident's channel (a view has no response_url). */
export async function tellResolveSubmitter(args: Args, message: string): Promise<void> {
  let metadata: unknown = null
  try {
    metadata = JSON.parse(args.view.private_metadata || 'null')
  } catch {
    // Unreadable metadata leaves nowhere to tell; answerFailures has logged the failure.
  }
  const channel = metadataSchema.safeParse(metadata).data?.channel
  if (channel) await args.client.chat.postEphemeral({ channel, user: args.body.user.id, text: message })
}

/** The Resolve modal's Save: bad input is answered inline under its field; good input is stored, audited and told in the thread. */
export function createResolveSubmissionHandler(deps: ListenerDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const { incidentId } = metadataSchema.parse(JSON.parse(view.private_metadata || '{}'))
    const parsed = readAnswers(view.state.values)
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(parsed.error) })
      return
    }
    const a = parsed.data
    const before = await getIncident(deps.db, incidentId)
    if (!before) {
      await ack({ response_action: 'errors', errors: { [RESOLVE_BLOCK.resolution]: 'This incident no longer exists.' } })
      return
    }
    const sameIncidentId = a[RESOLVE_BLOCK.sameIncident] === NO_SAME_INCIDENT ? null : a[RESOLVE_BLOCK.sameIncident]
    if (sameIncidentId === incidentId) {
      await ack({ response_action: 'errors', errors: { [RESOLVE_BLOCK.sameIncident]: 'An incident cannot be the same as itself.' } })
      return
    }
    const answers: ResolutionAnswers = {
      resolution: a[RESOLVE_BLOCK.resolution],
      outcome: a[RESOLVE_BLOCK.outcome]!,
      rootCause: a[RESOLVE_BLOCK.rootCause] || null,
      contributingFactors: a[RESOLVE_BLOCK.contributingFactors] || null,
      diagnosisLabel: a[RESOLVE_BLOCK.diagnosis]!,
      sameIncidentId,
      recordedBy: body.user.id,
    }
    const incident = await recordResolution(deps.db, incidentId, answers, deps.now())
    await ack()
    // The recorded outcome is what the playbook figures learn from: the playbooks that ran may now warrant an edit.
    const recorded = (incident.resolutionRecordedAt ?? deps.now()).toISOString()
    await deps.queue.enqueue('playbook.suggest-edits', { incidentId }, { jobId: jobIdFor('suggest-edits', incidentId, recorded) })
    // Resolved here rather than by its alert: the root message and the thread say so as for an alert, through the same job.
    if (before.status === 'open') await deps.queue.enqueue('incident.announce-resolution', { incidentId }, { jobId: resolutionJobId(incidentId) })
    const same = sameIncidentId ? await getIncident(deps.db, sameIncidentId) : null
    if (incident.slackChannel && incident.slackTs) {
      const message = buildResolutionRecordedMessage(incidentLabel(incident), answers, same ? incidentLabel(same) : null, before.resolutionRecordedAt !== null)
      await client.chat.postMessage({ channel: incident.slackChannel, thread_ts: incident.slackTs, text: message.text, blocks: message.blocks })
      // The review draft of this version of the answers, drafted by a worker: a second Save drafts the edited version.
      const version = (incident.resolutionRecordedAt ?? deps.now()).toISOString()
      await deps.queue.enqueue('incident.draft-review', { incidentId, version }, { jobId: reviewJobId(incidentId, version) })
    }
  }
}
