import { z } from 'zod'
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt'
import { dueDateSchema, FOLLOWUP_TEXT_MAX_CHARS } from '../../../core/incidents/followup-action'
import { getIncident } from '../../../storage/repositories/incidents'
import { FOLLOWUP_BLOCK } from '../../blocks/followup-blocks'
import type { ListenerDeps } from '../listener-deps'
import { fieldErrors } from './field-errors'
import { addFollowupAction } from '../commands/followup-commands'

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs

const metadataSchema = z.object({ incidentId: z.uuid(), channel: z.string().nullish() })

// view.state as Slack sends it: block id → action id (the same here) → the input's value.
const stateSchema = z.object({
  [FOLLOWUP_BLOCK.owner]: z.object({ [FOLLOWUP_BLOCK.owner]: z.object({ selected_user: z.string().nullish() }) }).optional(),
  [FOLLOWUP_BLOCK.text]: z.object({ [FOLLOWUP_BLOCK.text]: z.object({ value: z.string().nullish() }) }).optional(),
  [FOLLOWUP_BLOCK.due]: z.object({ [FOLLOWUP_BLOCK.due]: z.object({ selected_date: z.string().nullish() }) }).optional(),
})

// Each field's message is shown under its input, so the keys are the modal's block ids.
const answersSchema = z.object({
  [FOLLOWUP_BLOCK.owner]: z.string().regex(/^[UW][A-Z0-9]+$/, 'Pick the owner.'),
  [FOLLOWUP_BLOCK.text]: z
    .string()
    .trim()
    .min(1, 'Say what should be done.')
    .max(FOLLOWUP_TEXT_MAX_CHARS, `Keep it under ${FOLLOWUP_TEXT_MAX_CHARS} characters.`),
  [FOLLOWUP_BLOCK.due]: dueDateSchema.nullable(),
})

/** The follow-up form's Add: bad input answered inline under its field; good input stored and announced by a job. */
export function createFollowupSubmissionHandler(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const { incidentId } = metadataSchema.parse(JSON.parse(view.private_metadata || '{}'))
    const state = stateSchema.parse(view.state.values)
    const parsed = answersSchema.safeParse({
      [FOLLOWUP_BLOCK.owner]: state.owner?.owner.selected_user ?? '',
      [FOLLOWUP_BLOCK.text]: state.text?.text.value ?? '',
      [FOLLOWUP_BLOCK.due]: state.due?.due.selected_date ?? null,
    })
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(parsed.error) })
      return
    }
    const today = deps.now().toISOString().slice(0, 10)
    const due = parsed.data[FOLLOWUP_BLOCK.due]
    if (due !== null && due < today) {
      await ack({ response_action: 'errors', errors: { [FOLLOWUP_BLOCK.due]: 'Pick today or a later day.' } })
      return
    }
    const incident = await getIncident(deps.db, incidentId)
    if (!incident) {
      await ack({ response_action: 'errors', errors: { [FOLLOWUP_BLOCK.text]: 'This incident no longer exists.' } })
      return
    }
    await addFollowupAction(deps, incident, { owner: parsed.data.owner, text: parsed.data.text, dueOn: due }, body.user.id)
    await ack()
  }
}
