import { z } from 'zod'
import { parseIncidentLabel } from './incident-label'

export const FOLLOWUP_TEXT_MAX_CHARS = 1000

/** A calendar day, YYYY-MM-DD, that exists (2026-02-30 does not). */
export const dueDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD.')
  .refine((d) => {
    const at = new Date(`${d}T00:00:00Z`)
    // Checked even when the pattern failed: an unreadable day is simply not a day.
    return Number.isFinite(at.getTime()) && at.toISOString().slice(0, 10) === d
  }, 'That day does not exist.')

/** A follow-up action as a person gives it: owner, text and an optional due day. */
export const followupActionInputSchema = z.object({
  owner: z.string().regex(/^[UW][A-Z0-9]+$/, 'Pick a person.'),
  text: z.string().trim().min(1, 'Say what should be done.').max(FOLLOWUP_TEXT_MAX_CHARS, `Keep it under ${FOLLOWUP_TEXT_MAX_CHARS} characters.`),
  dueOn: dueDateSchema.nullable(),
})
export type FollowupActionInput = z.infer<typeof followupActionInputSchema>

export type ParsedActionCommand = { ok: true; incidentNumber: number; action: FollowupActionInput } | { ok: false; problem: string }

/**
 * `INC-n @owner [due YYYY-MM-DD] text`, as Slack sends it: with should_escape the mention arrives as `<@U123|name>`.
 * The problem, when there is one, is said in words for the person who typed it.
 */
export function parseActionCommand(args: string[]): ParsedActionCommand {
  const [label = '', mention = '', ...rest] = args
  const incidentNumber = parseIncidentLabel(label)
  if (incidentNumber === null) return { ok: false, problem: 'Name the incident first: `/sre action INC-n @owner [due YYYY-MM-DD] text`.' }
  const owner = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(mention)?.[1]
  if (!owner) return { ok: false, problem: 'Mention the owner after the incident, e.g. `/sre action INC-7 @alice add an index`.' }
  let dueOn: string | null = null
  let words = rest
  if (words[0]?.toLowerCase() === 'due') {
    const day = dueDateSchema.safeParse(words[1] ?? '')
    if (!day.success) return { ok: false, problem: `The due date must be a day as YYYY-MM-DD (${day.error.issues[0]!.message})` }
    dueOn = day.data
    words = words.slice(2)
  }
  const parsed = followupActionInputSchema.safeParse({ owner, text: words.join(' '), dueOn })
  if (!parsed.success) return { ok: false, problem: parsed.error.issues[0]!.message }
  return { ok: true, incidentNumber, action: parsed.data }
}

/** Whether an open action due on `dueOn` is overdue on `today` (both YYYY-MM-DD): due days end at midnight UTC. */
export function isOverdue(dueOn: string | null, today: string): boolean {
  return dueOn !== null && dueOn < today
}

/** A follow-up action as the thread and the tracker see it. */
export interface FollowupActionView {
  id: string
  incidentNumber: number
  incidentTitle: string
  owner: string
  text: string
  dueOn: string | null
  status: 'open' | 'done'
  createdBy: string
  externalUrl: string | null
}

/** Where follow-up actions are also filed (Jira, GitHub through a webhook); its port, implemented in integrations. */
export interface FollowupTracker {
  /**
   * Files the action once: `idempotencyKey` is the same for every attempt of one action, so a retry creates nothing new.
   * Returns the created issue's URL when the tracker gave one.
   */
  file(issue: FollowupIssue, idempotencyKey: string): Promise<{ url: string | null }>
}

export interface FollowupIssue {
  title: string
  description: string
  /** Slack user id. */
  owner: string
  /** YYYY-MM-DD, or null. */
  due: string | null
  /** `link`: the alert's link; `slack`: where the incident's thread is. */
  incident: { number: number; title: string; link: string | null; slack: { channel: string; ts: string } | null }
}
