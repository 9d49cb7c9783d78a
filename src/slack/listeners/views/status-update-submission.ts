import { z } from 'zod'
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { responseStageSchema } from '../../../core/incidents/response-stage'
import { getIncident } from '../../../storage/repositories/incidents'
import { UPDATE_BLOCK, UPDATE_TEXT_MAX } from '../../blocks/lifecycle-blocks'
import { buildResolveModal } from '../../blocks/resolution-blocks'
import { postStatusUpdate } from '../incident-changes'
import type { ListenerDeps } from '../listener-deps'
import { fieldErrors } from './field-errors'
import { resolveModalView } from './open-resolve-modal'

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs

const metadataSchema = z.object({ incidentId: z.uuid(), channel: z.string().nullish() })

const stateSchema = z.object({
  [UPDATE_BLOCK.stage]: z.object({ [UPDATE_BLOCK.stage]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) }).optional(),
  [UPDATE_BLOCK.text]: z.object({ [UPDATE_BLOCK.text]: z.object({ value: z.string().nullish() }) }).optional(),
})

// Each field's message is shown under its input, so the keys are the modal's block ids. Resolved needs no text: the Resolve form asks what fixed it.
const answersSchema = z
  .object({
    [UPDATE_BLOCK.stage]: responseStageSchema.nullish().refine((v) => v != null, 'Pick a stage.'),
    [UPDATE_BLOCK.text]: z.string().trim().max(UPDATE_TEXT_MAX, `Keep it under ${UPDATE_TEXT_MAX} characters.`),
  })
  .refine((a) => a[UPDATE_BLOCK.stage] === 'resolved' || a[UPDATE_BLOCK.text].length > 0, {
    message: 'Say what changed.',
    path: [UPDATE_BLOCK.text],
  })

function readAnswers(values: unknown) {
  const s = stateSchema.parse(values)
  return answersSchema.safeParse({
    [UPDATE_BLOCK.stage]: s.stage?.stage.selected_option?.value ?? null,
    [UPDATE_BLOCK.text]: s.update_text?.update_text.value ?? '',
  })
}

/**
 * The status update form's Post: bad input is answered inline; an update is stored, posted in the thread and shown on
 * the root message. "Resolved" turns the form into the Resolve form (pre-filled with the text), so that resolving
 * always records what fixed it, whichever way it is asked for.
 */
export function createStatusUpdateSubmissionHandler(deps: ListenerDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const { incidentId, channel } = metadataSchema.parse(JSON.parse(view.private_metadata || '{}'))
    const parsed = readAnswers(view.state.values)
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(parsed.error) })
      return
    }
    const stage = parsed.data[UPDATE_BLOCK.stage]!
    const text = parsed.data[UPDATE_BLOCK.text]
    const incident = await getIncident(deps.db, incidentId)
    if (!incident) {
      await ack({ response_action: 'errors', errors: { [UPDATE_BLOCK.text]: 'This incident no longer exists.' } })
      return
    }
    if (incident.status === 'resolved') {
      await ack({ response_action: 'errors', errors: { [UPDATE_BLOCK.stage]: `${incidentLabel(incident)} is already resolved.` } })
      return
    }
    if (stage === 'resolved') {
      const resolve = await resolveModalView(deps, incident, channel ?? null)
      await ack({ response_action: 'update', view: buildResolveModal(text ? { ...resolve, fixedIt: text } : resolve) })
      return
    }
    await ack()
    await postStatusUpdate(deps, client, incident, { stage, text, userId: body.user.id })
  }
}
