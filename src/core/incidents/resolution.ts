import { z } from 'zod'

export const resolutionOutcomeSchema = z.enum(['worked', 'partly', 'failed'])
export const diagnosisLabelSchema = z.enum(['right', 'partly', 'wrong', 'not_sure'])
export type DiagnosisLabel = z.infer<typeof diagnosisLabelSchema>

/** What the team records when it resolves an incident: the labels the agent learns from. */
export const resolutionAnswersSchema = z.object({
  resolution: z.string().trim().min(1, 'Say what fixed it.').max(3000, 'Keep it under 3000 characters.'),
  outcome: resolutionOutcomeSchema,
  rootCause: z.string().trim().max(3000, 'Keep it under 3000 characters.').nullable(),
  /** Optional: what made it worse or let it happen besides the root cause. */
  contributingFactors: z.string().trim().max(3000, 'Keep it under 3000 characters.').nullish(),
  diagnosisLabel: diagnosisLabelSchema,
  sameIncidentId: z.uuid().nullable(),
  recordedBy: z.string().regex(/^[A-Z0-9]{2,}$/, 'a Slack user id'),
})
export type ResolutionAnswers = z.infer<typeof resolutionAnswersSchema>
