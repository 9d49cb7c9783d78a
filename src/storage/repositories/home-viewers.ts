import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm'
import { homeRefreshJob } from '../../core/home/home-refresh'
import type { JobQueue } from '../../core/jobs/job-queue'
import type { Config } from '../../config'
import { MINUTE_MS } from '../../core/durations'
import type { Database } from '../database'
import { preparedQuery } from '../prepared-query'
import { homeViewers } from '../schema'

/** The person opened their Home tab: they get it refreshed on changes for HOME_ACTIVE_MINUTES from now. */
export async function recordHomeOpened(db: Database, userId: string, now: Date): Promise<void> {
  await db
    .insert(homeViewers)
    .values({ userId, openedAt: now })
    .onConflictDoUpdate({ target: homeViewers.userId, set: { openedAt: now } })
}

const due = (publishedBefore: Date) => or(isNull(homeViewers.publishedAt), lte(homeViewers.publishedAt, publishedBefore))

/**
 * Claims the person's next publish: true (and noted as published now, up to date) unless their dashboard was published
 * after `publishedBefore`; every bot and worker replica claims here, so two never publish within the window.
 */
export async function claimHomePublish(db: Database, userId: string, now: Date, publishedBefore: Date): Promise<boolean> {
  const rows = await db
    .update(homeViewers)
    .set({ publishedAt: now, staleSince: null })
    .where(and(eq(homeViewers.userId, userId), due(publishedBefore)))
    .returning({ userId: homeViewers.userId })
  return rows.length > 0
}

/** Something every dashboard shows changed: the dashboards of those who opened Home since `activeSince` are stale. Returns how many. */
export async function markHomeViewersStale(db: Database, activeSince: Date, now: Date): Promise<number> {
  const query = preparedQuery(db, 'mark_home_viewers_stale', (d) =>
    d
      .update(homeViewers)
      .set({ staleSince: sql`coalesce(${homeViewers.staleSince}, ${sql.placeholder('now')}::timestamptz)` })
      .where(gte(homeViewers.openedAt, sql.placeholder('activeSince')))
      .returning({ userId: homeViewers.userId }),
  )
  const rows = await query.execute({ now: now.toISOString(), activeSince: activeSince.toISOString() })
  return rows.length
}

/**
 * Claims up to `limit` stale dashboards of active viewers whose last publish is old enough, longest stale first: they are
 * noted as published now (a failed publish is not retried until the next change). Rows another worker is claiming are skipped.
 */
export async function claimStaleHomeViewers(db: Database, window: { activeSince: Date; publishedBefore: Date; now: Date; limit: number }): Promise<string[]> {
  const candidates = db
    .select({ userId: homeViewers.userId })
    .from(homeViewers)
    .where(and(isNotNull(homeViewers.staleSince), gte(homeViewers.openedAt, window.activeSince), due(window.publishedBefore)))
    .orderBy(asc(homeViewers.staleSince))
    .limit(window.limit)
    .for('update', { skipLocked: true })
  const rows = await db
    .update(homeViewers)
    .set({ publishedAt: window.now, staleSince: null })
    .where(inArray(homeViewers.userId, candidates))
    .returning({ userId: homeViewers.userId })
  return rows.map((r) => r.userId)
}

/** Their claimed publish did not happen (Slack rate limited it): stale again, and due from the next window on. */
export async function markHomeViewersStaleAgain(db: Database, userIds: string[], now: Date): Promise<void> {
  if (userIds.length === 0) return
  await db.update(homeViewers).set({ staleSince: now }).where(inArray(homeViewers.userId, userIds))
}

/** Active viewers whose dashboard is still stale (not yet due, or beyond this run's share). */
export async function countStaleHomeViewers(db: Database, activeSince: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(homeViewers)
    .where(and(isNotNull(homeViewers.staleSince), gte(homeViewers.openedAt, activeSince)))
  return row?.n ?? 0
}

export type HomeRefreshConfig = Pick<Config, 'HOME_REFRESH_MIN_SECONDS' | 'HOME_ACTIVE_MINUTES'>
export const HOME_REFRESH_DEFAULTS: HomeRefreshConfig = { HOME_REFRESH_MIN_SECONDS: 10, HOME_ACTIVE_MINUTES: 30 }

/**
 * Something the Home dashboards show changed (an incident opened, acknowledged or resolved, an approval asked or decided,
 * a follow-up added or done): marks the active viewers' dashboards stale and queues this window's refresh, which every
 * change of the window shares. Nothing is queued when nobody looked at Home lately.
 */
export async function requestHomeRefresh(deps: {
  db: Database
  queue: Pick<JobQueue, 'enqueue'>
  config: Partial<HomeRefreshConfig>
  now(): Date
}): Promise<void> {
  const settings = { ...HOME_REFRESH_DEFAULTS, ...definedOnly(deps.config) }
  const now = deps.now()
  const stale = await markHomeViewersStale(deps.db, new Date(now.getTime() - settings.HOME_ACTIVE_MINUTES * MINUTE_MS), now)
  if (stale === 0) return
  const { jobId, delayMs } = homeRefreshJob(now, settings.HOME_REFRESH_MIN_SECONDS)
  await deps.queue.enqueue('home.refresh', {}, { jobId, delayMs })
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
