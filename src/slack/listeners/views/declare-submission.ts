import { z } from 'zod'
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt'
import { jobIdFor } from '../../../core/jobs/job-queue'
import { SEVERITIES } from '../../../core/incidents/types'
import { DECLARE_BLOCK, DESCRIPTION_MAX, SERVICE_MAX, TITLE_MAX } from '../../blocks/lifecycle-blocks'
import { failureReason } from '../answer-failures'
import type { ListenerDeps } from '../listener-deps'
import { fieldErrors } from './field-errors'

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs

const metadataSchema = z.object({ channel: z.string().min(1) })

// view.state as Slack sends it: block id → action id (the same here) → the input's value.
const stateSchema = z.object({
  [DECLARE_BLOCK.title]: z.object({ [DECLARE_BLOCK.title]: z.object({ value: z.string().nullish() }) }).optional(),
  [DECLARE_BLOCK.service]: z.object({ [DECLARE_BLOCK.service]: z.object({ value: z.string().nullish() }) }).optional(),
  [DECLARE_BLOCK.severity]: z.object({ [DECLARE_BLOCK.severity]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) }).optional(),
  [DECLARE_BLOCK.description]: z.object({ [DECLARE_BLOCK.description]: z.object({ value: z.string().nullish() }) }).optional(),
  [DECLARE_BLOCK.commander]: z.object({ [DECLARE_BLOCK.commander]: z.object({ selected_user: z.string().nullish() }) }).optional(),
})

// Each field's message is shown under its input, so the keys are the modal's block ids.
const answersSchema = z.object({
  [DECLARE_BLOCK.title]: z.string().trim().min(1, 'Give the incident a title.').max(TITLE_MAX, `Keep the title under ${TITLE_MAX} characters.`),
  [DECLARE_BLOCK.service]: z
    .string()
    .trim()
    .max(SERVICE_MAX, `Keep it under ${SERVICE_MAX} characters.`)
    .regex(/^(?:[A-Za-z0-9][\w.:/-]*)?$/, 'One service name, like payment-api (letters, digits, - _ . : /).'),
  [DECLARE_BLOCK.severity]: z.enum(SEVERITIES, { error: 'Pick a severity.' }),
  [DECLARE_BLOCK.description]: z.string().trim().max(DESCRIPTION_MAX, `Keep it under ${DESCRIPTION_MAX} characters.`),
  [DECLARE_BLOCK.commander]: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'Pick a person.')
    .nullable(),
})

function readAnswers(values: unknown) {
  const s = stateSchema.parse(values)
  return answersSchema.safeParse({
    [DECLARE_BLOCK.title]: s.title?.title.value ?? '',
    [DECLARE_BLOCK.service]: s.service?.service.value ?? '',
    [DECLARE_BLOCK.severity]: s.severity?.severity.selected_option?.value ?? null,
    [DECLARE_BLOCK.description]: s.description?.description.value ?? '',
    [DECLARE_BLOCK.commander]: s.commander?.commander.selected_user ?? null,
  })
}

/**
 * The Declare form's Declare: bad input is answered inline under its field; good input is queued as the incident's
 * opening (before the form closes, so a queue that cannot take it leaves the form open with the reason).
 */
export function createDeclareSubmissionHandler(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const { channel } = metadataSchema.parse(JSON.parse(view.private_metadata || '{}'))
    const parsed = readAnswers(view.state.values)
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(parsed.error) })
      return
    }
    const a = parsed.data
    const userId = body.user.id
    const declaration = {
      requestId: view.id,
      title: a.title,
      service: a.service || null,
      severity: a.severity,
      description: a.description,
      commanderId: a.commander ?? userId,
      userId,
      channelId: channel,
      requestedAt: deps.now().toISOString(),
    }
    const queued = await deps.queue.enqueue('incident.declare', declaration, { jobId: jobIdFor('declare', view.id) }).then(
      () => null,
      (err: unknown) => err,
    )
    if (queued !== null) {
      deps.logger.error({ err: queued, user: userId, channel }, 'could not queue /sre declare')
      await ack({
        response_action: 'errors',
        errors: { [DECLARE_BLOCK.title]: `I could not queue the incident (${failureReason(queued)}). Nothing was opened: try Declare again.` },
      })
      return
    }
    await ack()
  }
}
