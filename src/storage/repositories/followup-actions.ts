import { and, asc, eq, isNull, lt, or } from 'drizzle-orm'
import type { FollowupActionView } from '../../core/incidents/followup-action'
import type { Database } from '../database'
import { followupActions, incidents } from '../schema'
import type { Incident } from './incidents'

export type FollowupAction = typeof followupActions.$inferSelect
export type FollowupActionWithIncident = FollowupAction & { incidentNumber: number; incidentTitle: string }

export async function createFollowupAction(
  db: Database,
  action: { incidentId: string; owner: string; text: string; dueOn: string | null; createdBy: string },
  now: Date,
): Promise<FollowupAction> {
  const [row] = await db
    .insert(followupActions)
    .values({ ...action, createdAt: now })
    .returning()
  return row!
}

export async function getFollowupAction(db: Database, id: string): Promise<FollowupAction | null> {
  const [row] = await db.select().from(followupActions).where(eq(followupActions.id, id))
  return row ?? null
}

const withIncident = { ...followupActionColumns(), incidentNumber: incidents.number, incidentTitle: incidents.title }

function followupActionColumns() {
  const { id, incidentId, owner, text, dueOn, status, createdBy, createdAt, closedBy, closedAt, externalUrl, remindedAt } = followupActions
  return { id, incidentId, owner, text, dueOn, status, createdBy, createdAt, closedBy, closedAt, externalUrl, remindedAt }
}

/** The incident's actions, oldest first, done ones included. */
export async function listFollowupActionsOfIncident(db: Database, incidentId: string): Promise<FollowupAction[]> {
  return db.select().from(followupActions).where(eq(followupActions.incidentId, incidentId)).orderBy(asc(followupActions.createdAt))
}

/** Open actions, of one owner when given, soonest due first (those with no due date last). */
export async function listOpenFollowupActions(db: Database, filter: { owner?: string; limit: number }): Promise<FollowupActionWithIncident[]> {
  const where = filter.owner ? and(eq(followupActions.status, 'open'), eq(followupActions.owner, filter.owner)) : eq(followupActions.status, 'open')
  return db
    .select(withIncident)
    .from(followupActions)
    .innerJoin(incidents, eq(incidents.id, followupActions.incidentId))
    .where(where)
    .orderBy(asc(followupActions.dueOn), asc(followupActions.createdAt))
    .limit(filter.limit)
}

/** Marks it done; false when it was already done (or does not exist). */
export async function closeFollowupAction(db: Database, id: string, by: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(followupActions)
    .set({ status: 'done', closedBy: by, closedAt: now })
    .where(and(eq(followupActions.id, id), eq(followupActions.status, 'open')))
    .returning({ id: followupActions.id })
  return rows.length > 0
}

/** Open actions due before `today` (YYYY-MM-DD) not reminded since `remindedBefore`: the ones owed a reminder. */
export async function listOverdueFollowupActions(
  db: Database,
  window: { today: string; remindedBefore: Date; limit: number },
): Promise<FollowupActionWithIncident[]> {
  return db
    .select(withIncident)
    .from(followupActions)
    .innerJoin(incidents, eq(incidents.id, followupActions.incidentId))
    .where(
      and(
        eq(followupActions.status, 'open'),
        lt(followupActions.dueOn, window.today),
        or(isNull(followupActions.remindedAt), lt(followupActions.remindedAt, window.remindedBefore)),
      ),
    )
    .orderBy(asc(followupActions.dueOn))
    .limit(window.limit)
}

/** Claims today's reminder of the action; false when another worker claimed it since `remindedBefore`. */
export async function markFollowupActionReminded(db: Database, id: string, at: Date, remindedBefore: Date): Promise<boolean> {
  const rows = await db
    .update(followupActions)
    .set({ remindedAt: at })
    .where(and(eq(followupActions.id, id), or(isNull(followupActions.remindedAt), lt(followupActions.remindedAt, remindedBefore))))
    .returning({ id: followupActions.id })
  return rows.length > 0
}

/** Keeps the link of the issue the webhook created. */
export async function setFollowupActionExternalUrl(db: Database, id: string, url: string): Promise<void> {
  await db.update(followupActions).set({ externalUrl: url }).where(eq(followupActions.id, id))
}

/** The action as the thread and the tracker see it. */
export function followupView(action: FollowupAction, incident: Pick<Incident, 'number' | 'title'>): FollowupActionView {
  return {
    id: action.id,
    incidentNumber: incident.number,
    incidentTitle: incident.title,
    owner: action.owner,
    text: action.text,
    dueOn: action.dueOn,
    status: action.status,
    createdBy: action.createdBy,
    externalUrl: action.externalUrl,
  }
}
