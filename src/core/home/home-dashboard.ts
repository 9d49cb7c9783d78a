import { isApprover } from '../approvals/approver-policy'
import type { ResponseStage } from '../incidents/response-stage'

/** An open incident as the Home tab lists it. */
export interface HomeIncident {
  number: number
  title: string
  service: string | null
  severity: string
  responseStage: ResponseStage
  commanderId: string | null
  acknowledgedBy: string | null
  startedAt: Date
  /** Where its thread is (the root message); null while it has none. */
  slackChannel: string | null
  slackTs: string | null
}

/** A pending approval request that this person may decide. */
export interface HomeApproval {
  id: string
  incidentNumber: number
  /** What would run, as the request names it. */
  title: string
  risk: 'low' | 'medium' | 'high'
  approvedSoFar: number
  minApprovals: number
  expiresAt: Date
  /** Where the request message is (in the incident's thread, `threadTs`). */
  slackChannel: string | null
  slackTs: string | null
  threadTs: string | null
}

/** An open follow-up action this person owns. */
export interface HomeFollowup {
  id: string
  incidentNumber: number
  text: string
  dueOn: string | null
  overdue: boolean
}

/** One chart of the latest digest, uploaded to Slack: shown with an image block by its file id. */
export interface HomeChart {
  fileId: string
  title: string
  altText: string
}

/** This week's figures and the latest charts, from the latest posted digest. */
export interface HomeDigestSection {
  /** "30 Nov – 6 Dec 2026". */
  periodLabel: string
  /** Each figure as one line of plain text ("MTTR median 42 min ↓ 12 %"); escaped when shown. */
  figures: string[]
  charts: HomeChart[]
}

/** Everything one person's Home tab shows; lists are cut to what fits, `…Total` says how many there were. */
export interface HomeDashboard {
  userId: string
  generatedAt: Date
  incidents: HomeIncident[]
  incidentsTotal: number
  approvals: HomeApproval[]
  followups: HomeFollowup[]
  followupsTotal: number
  digest: HomeDigestSection | null
}

/** The port through which the workers show a person's dashboard; Slack implements it with views.publish. */
export interface HomeTab {
  /** Throws `home_publish_rate_limited` when Slack says to slow down. */
  publish(dashboard: HomeDashboard): Promise<void>
  /** Members of a Slack user group (S…), to know whose approvals wait for whom. */
  membersOf(group: string): Promise<string[]>
}

/** A pending request as stored, with who already voted on it. */
export interface PendingApprovalFacts {
  id: string
  approvers: string[]
  requestedBy: string
  expiresAt: Date
  voters: string[]
}

/**
 * The pending requests waiting for `userId`: not expired, not theirs (they cannot approve their own), not voted on by
 * them yet, and either naming them (directly or through a user group) or naming nobody, not even in APPROVERS (shown to
 * everyone, so that someone notices a request nobody is allowed to decide).
 */
export async function approvalsWaitingFor<A extends PendingApprovalFacts>(
  userId: string,
  pending: A[],
  options: { configuredApprovers: string[]; now: Date; membersOf(group: string): Promise<string[]> },
): Promise<A[]> {
  const groups = new Map<string, Promise<string[]>>()
  const membersOf = (group: string) => {
    if (!groups.has(group)) groups.set(group, options.membersOf(group))
    return groups.get(group)!
  }
  const waiting: A[] = []
  for (const request of pending) {
    if (request.expiresAt <= options.now || request.requestedBy === userId || request.voters.includes(userId)) continue
    const approvers = request.approvers.length ? request.approvers : options.configuredApprovers
    if (approvers.length === 0 || (await isApprover(userId, approvers, membersOf))) waiting.push(request)
  }
  return waiting
}

/** Overdue ones first (oldest due first), then by due day, those without one last. `today` is YYYY-MM-DD. */
export function orderFollowups<F extends { dueOn: string | null }>(followups: F[], today: string): Array<F & { overdue: boolean }> {
  const key = (f: F) => f.dueOn ?? '9999-12-31'
  return followups.map((f) => ({ ...f, overdue: f.dueOn !== null && f.dueOn < today })).sort((a, b) => key(a).localeCompare(key(b)))
}
