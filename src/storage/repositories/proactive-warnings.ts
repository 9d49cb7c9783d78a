import { and, arrayContains, asc, eq, gt, gte, inArray, lt, lte, ne } from 'drizzle-orm'
import { MINUTE_MS } from '../../core/durations'
import type { ScoredIncident, ScoredWarning, WarningMark } from '../../core/warnings/proactive-warning'
import type { WarningDecision } from '../../core/warnings/score-warning'
import { forewarningOf, warningAccuracy, type Forewarning, type WarningAccuracy } from '../../core/warnings/warning-accuracy'
import type { Database } from '../database'
import { incidents, proactiveWarnings } from '../schema'
import { IMPORT_SOURCE } from './imported-incidents'

export type ProactiveWarningRow = typeof proactiveWarnings.$inferSelect
export type NewProactiveWarning = Omit<
  typeof proactiveWarnings.$inferInsert,
  'id' | 'status' | 'confirmedIncidentId' | 'decidedAt' | 'leadMinutes' | 'mark' | 'markedBy' | 'markedAt' | 'createdAt'
>

/** The result type of warningStatsFor: the accuracy figures of a period. */
export type WarningStats = WarningAccuracy

/** The longest horizon a warning is given (TELEMETRY_FORECAST_HORIZON_MINUTES at most): a warning this old can still forewarn. */
const LONGEST_HORIZON_MS = 24 * 60 * MINUTE_MS

function toScoredWarning(row: ProactiveWarningRow): ScoredWarning {
  return {
    id: row.id,
    service: row.service,
    metric: row.metric,
    kind: row.kind,
    onsetAt: row.onsetAt,
    warnedAt: row.warnedAt,
    horizonMinutes: row.horizonMinutes,
    covers: row.covers,
    level: row.level,
    baseline: row.baseline,
    status: row.status,
    confirmedIncidentId: row.confirmedIncidentId,
    leadMinutes: row.leadMinutes,
    mark: row.mark,
  }
}

/** Writes the warnings of one posted message; those already written (a retried scan) are left as they are. */
export async function recordProactiveWarnings(db: Database, rows: NewProactiveWarning[]): Promise<void> {
  if (rows.length > 0) await db.insert(proactiveWarnings).values(rows).onConflictDoNothing()
}

/** Open warnings with an onset after `notBefore`, oldest first: those the scoring still looks at. */
export async function listOpenWarnings(db: Database, options: { notBefore: Date; limit: number }): Promise<ScoredWarning[]> {
  const rows = await db
    .select()
    .from(proactiveWarnings)
    .where(and(eq(proactiveWarnings.status, 'open'), gt(proactiveWarnings.onsetAt, options.notBefore)))
    .orderBy(asc(proactiveWarnings.onsetAt))
    .limit(options.limit)
  return rows.map(toScoredWarning)
}

export async function listWarningsOfMessage(db: Database, message: { channel: string; ts: string }): Promise<ProactiveWarningRow[]> {
  return db
    .select()
    .from(proactiveWarnings)
    .where(and(eq(proactiveWarnings.slackChannel, message.channel), eq(proactiveWarnings.slackTs, message.ts)))
    .orderBy(asc(proactiveWarnings.service), asc(proactiveWarnings.metric))
}

/** Incidents (imports left out: they happened before any warning) started in [from, until], on `services` when given. */
export async function listIncidentsStarted(db: Database, from: Date, until: Date, services?: readonly string[]): Promise<ScoredIncident[]> {
  if (services && services.length === 0) return []
  return db
    .select({ id: incidents.id, number: incidents.number, service: incidents.service, startedAt: incidents.startedAt })
    .from(incidents)
    .where(
      and(
        gte(incidents.startedAt, from),
        lte(incidents.startedAt, until),
        ne(incidents.source, IMPORT_SOURCE),
        services ? inArray(incidents.service, [...services]) : undefined,
      ),
    )
    .orderBy(asc(incidents.startedAt))
}

/** Stores the decision on a warning still open; false when another scoring decided it first. */
export async function decideProactiveWarning(db: Database, id: string, decision: Exclude<WarningDecision, { status: 'open' }>, at: Date): Promise<boolean> {
  const rows = await db
    .update(proactiveWarnings)
    .set(
      decision.status === 'confirmed'
        ? { status: 'confirmed', confirmedIncidentId: decision.incidentId, leadMinutes: decision.leadMinutes, decidedAt: at }
        : { status: 'false_alarm', decidedAt: at },
    )
    .where(and(eq(proactiveWarnings.id, id), eq(proactiveWarnings.status, 'open')))
    .returning({ id: proactiveWarnings.id })
  return rows.length === 1
}

export type MarkOutcome =
  | { outcome: 'no_warning' }
  | { outcome: 'unchanged'; warnings: number }
  | { outcome: 'marked'; warnings: number; replaced: Array<{ mark: WarningMark; by: string }> }

/**
 * Marks every warning of a message useful or not, as `user` judged it. The same user's same mark
 * again changes nothing (a double click); another mark, or another user's, replaces it.
 */
export async function markWarningsOfMessage(
  db: Database,
  message: { channel: string; ts: string },
  mark: WarningMark,
  user: string,
  at: Date,
): Promise<MarkOutcome> {
  return db.transaction(async (tx) => {
    const ofMessage = and(eq(proactiveWarnings.slackChannel, message.channel), eq(proactiveWarnings.slackTs, message.ts))
    const rows = await tx.select().from(proactiveWarnings).where(ofMessage).for('update')
    if (rows.length === 0) return { outcome: 'no_warning' }
    const changing = rows.filter((r) => r.mark !== mark || r.markedBy !== user)
    if (changing.length === 0) return { outcome: 'unchanged', warnings: rows.length }
    await tx
      .update(proactiveWarnings)
      .set({ mark, markedBy: user, markedAt: at })
      .where(
        inArray(
          proactiveWarnings.id,
          changing.map((r) => r.id),
        ),
      )
    const replaced = new Map<string, { mark: WarningMark; by: string }>()
    for (const r of changing) if (r.mark && r.markedBy) replaced.set(`${r.markedBy}:${r.mark}`, { mark: r.mark, by: r.markedBy })
    return { outcome: 'marked', warnings: rows.length, replaced: [...replaced.values()] }
  })
}

/**
 * The accuracy of the warnings posted, and the incidents started, in [since, until): precision,
 * recall, median lead time, false alarms per service per week. `watched` limits the incidents
 * counted to the services the scan watches; without it every incident naming a service counts.
 */
export async function warningStatsFor(db: Database, period: { since: Date; until: Date; watched?: readonly string[] }): Promise<WarningStats> {
  const rows = await db
    .select()
    .from(proactiveWarnings)
    .where(and(gte(proactiveWarnings.warnedAt, new Date(period.since.getTime() - LONGEST_HORIZON_MS)), lt(proactiveWarnings.warnedAt, period.until)))
  const started = await listIncidentsStarted(db, period.since, period.until, period.watched)
  return warningAccuracy({
    since: period.since,
    until: period.until,
    warnings: rows.map(toScoredWarning),
    incidents: started.filter((i) => i.startedAt.getTime() < period.until.getTime()),
    watched: period.watched ? new Set(period.watched) : null,
  })
}

/** The warning that forewarned an incident (the earliest posted before it, covering its service), with its one line; or null. */
export async function findForewarning(db: Database, incident: ScoredIncident): Promise<(Forewarning & { summary: string }) | null> {
  if (incident.service === null) return null
  const rows = await db
    .select()
    .from(proactiveWarnings)
    .where(
      and(
        arrayContains(proactiveWarnings.covers, [incident.service]),
        lte(proactiveWarnings.warnedAt, incident.startedAt),
        gte(proactiveWarnings.warnedAt, new Date(incident.startedAt.getTime() - LONGEST_HORIZON_MS)),
      ),
    )
  const found = forewarningOf(incident, rows.map(toScoredWarning))
  return found ? { ...found, summary: rows.find((r) => r.id === found.warningId)!.summary } : null
}

/** Warnings confirmed by an incident, for showing on it. */
export async function listWarningsConfirmedBy(db: Database, incidentId: string): Promise<ProactiveWarningRow[]> {
  return db.select().from(proactiveWarnings).where(eq(proactiveWarnings.confirmedIncidentId, incidentId)).orderBy(asc(proactiveWarnings.warnedAt))
}
