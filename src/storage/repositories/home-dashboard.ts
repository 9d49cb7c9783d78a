import { and, asc, count, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm'
import { approvalsWaitingFor, orderFollowups, type HomeApproval, type HomeDashboard, type HomeDigestSection } from '../../core/home/home-dashboard'
import type { Database } from '../database'
import { approvalRequests, approvalVotes, followupActions, incidents } from '../schema'
import { approvalActionPreviewSchema } from '../../core/approvals/approval-action-preview'
import { listOpenFollowupActions } from './followup-actions'
import { latestDigest } from './digest-history'
import { homeDigestSection } from '../../core/home/home-digest'

/** More than a Home view can show: the view builder cuts the lists and says how many were left out. */
const LOADED_ROWS = 100

/** Critical first, then high, warning, info; newest first within a severity. */
const severityRank = sql`case ${incidents.severity} when 'critical' then 0 when 'high' then 1 when 'warning' then 2 else 3 end`

/**
 * What `userId`'s Home tab shows, as stored now: the open incidents (a storm's members are lines of their first
 * incident's thread, so they are not listed apart), the approvals waiting for them, and the follow-up actions they own.
 */
export async function loadHomeDashboard(
  db: Database,
  userId: string,
  options: { now: Date; configuredApprovers: string[]; membersOf(group: string): Promise<string[]> },
): Promise<HomeDashboard> {
  const topLevelOpen = and(eq(incidents.status, 'open'), isNull(incidents.parentIncidentId))
  const incidentRows = await db
    .select({
      number: incidents.number,
      title: incidents.title,
      service: incidents.service,
      severity: incidents.severity,
      responseStage: incidents.responseStage,
      commanderId: incidents.commanderId,
      acknowledgedBy: incidents.acknowledgedBy,
      startedAt: incidents.startedAt,
      slackChannel: incidents.slackChannel,
      slackTs: incidents.slackTs,
    })
    .from(incidents)
    .where(topLevelOpen)
    .orderBy(severityRank, desc(incidents.startedAt))
    .limit(LOADED_ROWS)
  const [openCount] = await db.select({ n: count() }).from(incidents).where(topLevelOpen)

  const today = options.now.toISOString().slice(0, 10)
  const followups = await listOpenFollowupActions(db, { owner: userId, limit: LOADED_ROWS })
  const [followupCount] = await db
    .select({ n: count() })
    .from(followupActions)
    .where(and(eq(followupActions.status, 'open'), eq(followupActions.owner, userId)))

  return {
    userId,
    generatedAt: options.now,
    incidents: incidentRows,
    incidentsTotal: openCount?.n ?? 0,
    approvals: await loadApprovalsWaitingFor(db, userId, options),
    followups: orderFollowups(
      followups.map((f) => ({ id: f.id, incidentNumber: f.incidentNumber, text: f.text, dueOn: f.dueOn })),
      today,
    ),
    followupsTotal: followupCount?.n ?? 0,
    digest: await loadLatestDigestSection(db),
  }
}

/** This week's figures and charts: the latest posted digest's, or none before the first. */
async function loadLatestDigestSection(db: Database): Promise<HomeDigestSection | null> {
  const latest = await latestDigest(db)
  return latest ? homeDigestSection(latest.figures, latest.fileIds) : null
}

async function loadApprovalsWaitingFor(
  db: Database,
  userId: string,
  options: { now: Date; configuredApprovers: string[]; membersOf(group: string): Promise<string[]> },
): Promise<HomeApproval[]> {
  const rows = await db
    .select({
      id: approvalRequests.id,
      incidentNumber: incidents.number,
      threadTs: incidents.slackTs,
      action: approvalRequests.action,
      approvers: approvalRequests.approvers,
      requestedBy: approvalRequests.requestedBy,
      minApprovals: approvalRequests.minApprovals,
      expiresAt: approvalRequests.expiresAt,
      slackChannel: approvalRequests.slackChannel,
      slackTs: approvalRequests.slackTs,
    })
    .from(approvalRequests)
    .innerJoin(incidents, eq(incidents.id, approvalRequests.incidentId))
    .where(and(eq(approvalRequests.status, 'pending'), gt(approvalRequests.expiresAt, options.now)))
    .orderBy(asc(approvalRequests.expiresAt))
    .limit(LOADED_ROWS)
  const votes = rows.length
    ? await db
        .select({ approvalId: approvalVotes.approvalId, userId: approvalVotes.userId, vote: approvalVotes.vote })
        .from(approvalVotes)
        .where(
          inArray(
            approvalVotes.approvalId,
            rows.map((r) => r.id),
          ),
        )
    : []
  const pending = rows.map((r) => {
    const mine = votes.filter((v) => v.approvalId === r.id)
    return { ...r, voters: mine.map((v) => v.userId), approvedSoFar: mine.filter((v) => v.vote === 'approve').length }
  })
  const waiting = await approvalsWaitingFor(userId, pending, options)
  return waiting.map((r) => {
    // A stored action that no longer parses is still listed (the request message shows it); its title is then unknown.
    const action = approvalActionPreviewSchema.safeParse(r.action)
    return {
      id: r.id,
      incidentNumber: r.incidentNumber,
      title: action.success ? action.data.title : 'an action',
      risk: action.success ? action.data.risk : 'high',
      approvedSoFar: r.approvedSoFar,
      minApprovals: r.minApprovals,
      expiresAt: r.expiresAt,
      slackChannel: r.slackChannel,
      slackTs: r.slackTs,
      threadTs: r.threadTs,
    }
  })
}
