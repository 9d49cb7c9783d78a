import { and, asc, eq, gte, isNotNull, isNull, lt, ne, notExists, or, sql } from 'drizzle-orm'
import type { Database } from '../database'
import { analyses, auditLog, incidents } from '../schema'

export interface MissedFollowUps {
  /**
   * Open and never analysed, or whose analysis has been "running" since before `runningSince` (its job lost with Redis' data).
   * Resolved ones are left out: imported and seeded history is resolved without a thread; so are a storm's members,
   * which are a line in their storm's thread and never analysed on their own.
   */
  toAnalyze: string[]
  /** Resolved, its root message posted, and the resolution never announced in the thread. */
  toAnnounce: string[]
}

/**
 * Incidents whose follow-up job never reached the queue (the process died after the commit, or Redis was down or lost
 * its data), changed between `since` and `before`: the window keeps a fresh incident's job its time, and old history out.
 */
export async function listMissedFollowUps(db: Database, window: { since: Date; before: Date; runningSince: Date; limit: number }): Promise<MissedFollowUps> {
  // An analysis that finished, or one still young enough to be running in a worker, is left alone.
  const noLiveAnalysis = notExists(
    db
      .select({ one: sql`1` })
      .from(analyses)
      .where(and(eq(analyses.incidentId, incidents.id), or(ne(analyses.status, 'running'), gte(analyses.startedAt, window.runningSince)))),
  )
  const analyze = await db
    .select({ id: incidents.id })
    .from(incidents)
    .where(
      and(
        gte(incidents.createdAt, window.since),
        lt(incidents.createdAt, window.before),
        eq(incidents.status, 'open'),
        isNull(incidents.parentIncidentId),
        noLiveAnalysis,
      ),
    )
    .orderBy(asc(incidents.createdAt))
    .limit(window.limit)
  const announce = await db
    .select({ id: incidents.id })
    .from(incidents)
    .where(
      and(
        eq(incidents.status, 'resolved'),
        isNotNull(incidents.slackTs),
        gte(incidents.updatedAt, window.since),
        lt(incidents.updatedAt, window.before),
        notExists(
          db
            .select({ one: sql`1` })
            .from(auditLog)
            .where(and(eq(auditLog.incidentId, incidents.id), eq(auditLog.action, 'incident.resolved'))),
        ),
      ),
    )
    .orderBy(asc(incidents.updatedAt))
    .limit(window.limit)
  return { toAnalyze: analyze.map((r) => r.id), toAnnounce: announce.map((r) => r.id) }
}
