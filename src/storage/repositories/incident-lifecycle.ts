import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import { CodedError } from '../../core/errors'
import type { StatusUpdateView, ThreadIncident } from '../../core/incidents/incident-thread'
import { computeResponseTimes, type ResponseTimes } from '../../core/incidents/response-times'
import { type ResponseStage, responseStageSchema } from '../../core/incidents/response-stage'
import type { Severity } from '../../core/incidents/types'
import type { Database } from '../database'
import { preparedQuery } from '../prepared-query'
import { auditLog, incidentEvents, incidents } from '../schema'
import { type Incident, incidentColumns, toIncident } from './incidents'

export type StatusUpdate = StatusUpdateView
/** An incident as stored with its latest status update: what its root message shows. */
export type IncidentWithUpdate = Incident & Pick<ThreadIncident, 'latestUpdate'>

/** The response times of an incident's recorded times (see core/incidents/response-times.ts). */
export function responseTimesOf(i: Pick<Incident, 'startedAt' | 'detectedAt' | 'acknowledgedAt' | 'mitigatedAt' | 'resolvedAt'>): ResponseTimes {
  return computeResponseTimes(i)
}

// Three cases of two parameters per incident, plus its id: well under Postgres' 65,535 parameters a statement.
const TIMES_PER_STATEMENT = 1000

/** Stores the response times of incidents whose times just changed (a batch its alerts resolved), and returns them with the times. */
export async function storeResponseTimes(db: Database, rows: Incident[]): Promise<Incident[]> {
  const timed = rows.map((row) => ({ ...row, ...responseTimesOf(row) }))
  for (let i = 0; i < timed.length; i += TIMES_PER_STATEMENT) {
    const chunk = timed.slice(i, i + TIMES_PER_STATEMENT)
    const byId = (key: keyof ResponseTimes): SQL =>
      sql`case ${incidents.id} ${sql.join(
        chunk.map((r) => sql`when ${r.id}::uuid then ${r[key]}::integer`),
        sql` `,
      )} end`
    await db
      .update(incidents)
      .set({ ttaSeconds: byId('ttaSeconds'), ttmSeconds: byId('ttmSeconds'), ttrSeconds: byId('ttrSeconds') })
      .where(
        inArray(
          incidents.id,
          chunk.map((r) => r.id),
        ),
      )
  }
  return timed
}

/** The incident locked for the rest of the transaction, so two clicks at once are one change and one refusal. */
async function lockIncident(tx: Database, incidentId: string): Promise<Incident> {
  const [row] = await tx.select(incidentColumns).from(incidents).where(eq(incidents.id, incidentId)).for('update')
  if (!row) throw new CodedError('incident_not_found', `incident ${incidentId} does not exist`)
  return toIncident(row)
}

async function saveIncident(tx: Database, incidentId: string, values: Partial<typeof incidents.$inferInsert>, now: Date): Promise<Incident> {
  const [row] = await tx
    .update(incidents)
    .set({ ...values, updatedAt: now })
    .where(eq(incidents.id, incidentId))
    .returning(incidentColumns)
  return toIncident(row!)
}

export interface Acknowledgement {
  incident: Incident
  /** False when someone acknowledged first: `incident` says who and when. */
  acknowledged: boolean
  /** The acknowledger became commander (there was none). */
  becameCommander: boolean
}

/** Records the first acknowledgement (later ones change nothing): the time, who, the commander if there is none, and the time to acknowledge. */
export async function acknowledgeIncident(db: Database, incidentId: string, userId: string, now: Date): Promise<Acknowledgement> {
  return db.transaction(async (tx) => {
    const current = await lockIncident(tx, incidentId)
    if (current.acknowledgedAt) return { incident: current, acknowledged: false, becameCommander: false }
    const becameCommander = current.commanderId === null
    const times = responseTimesOf({ ...current, acknowledgedAt: now })
    const incident = await saveIncident(
      tx,
      incidentId,
      { acknowledgedAt: now, acknowledgedBy: userId, commanderId: current.commanderId ?? userId, ttaSeconds: times.ttaSeconds },
      now,
    )
    await tx.insert(incidentEvents).values({
      incidentId,
      occurredAt: now,
      kind: 'acknowledged',
      actor: userId,
      text: becameCommander ? 'Acknowledged, and became incident commander' : 'Acknowledged',
      details: { ttaSeconds: times.ttaSeconds, commander: incident.commanderId },
      dedupeKey: 'acknowledged',
    })
    await tx.insert(auditLog).values({
      incidentId,
      actor: userId,
      action: 'incident.acknowledged',
      subjectType: 'incident',
      subjectId: incidentId,
      details: { ttaSeconds: times.ttaSeconds, becameCommander },
    })
    return { incident, acknowledged: true, becameCommander }
  })
}

export interface RecordedStatusUpdate {
  incident: Incident
  update: StatusUpdate
  /** This update recorded the mitigation (the first to `monitoring`). */
  mitigated: boolean
}

/**
 * Stores a status update and makes its stage the incident's; the first update to `monitoring` records when the
 * impact stopped. Resolving is not an update: it goes through the Resolve form, which asks what fixed it.
 */
export async function recordStatusUpdate(
  db: Database,
  incidentId: string,
  input: { stage: ResponseStage; text: string; userId: string },
  now: Date,
): Promise<RecordedStatusUpdate> {
  if (input.stage === 'resolved') throw new CodedError('validation_failed', 'resolving goes through the Resolve form, not a status update')
  const text = input.text.trim()
  if (!text) throw new CodedError('validation_failed', 'a status update needs a text')
  return db.transaction(async (tx) => {
    const current = await lockIncident(tx, incidentId)
    const mitigated = current.mitigatedAt === null && input.stage === 'monitoring'
    const mitigatedAt = mitigated ? now : current.mitigatedAt
    const times = responseTimesOf({ ...current, mitigatedAt })
    // A resolved incident keeps its stage: an update written after the fact is kept, but does not reopen anything.
    const responseStage = current.status === 'resolved' ? current.responseStage : input.stage
    const incident = await saveIncident(tx, incidentId, { responseStage, mitigatedAt, ttmSeconds: times.ttmSeconds }, now)
    await tx.insert(incidentEvents).values({
      incidentId,
      occurredAt: now,
      kind: 'status_update',
      actor: input.userId,
      text,
      details: { stage: input.stage, from: current.responseStage, mitigated },
    })
    await tx.insert(auditLog).values({
      incidentId,
      actor: input.userId,
      action: 'incident.status_updated',
      subjectType: 'incident',
      subjectId: incidentId,
      details: { stage: input.stage, from: current.responseStage, text, ttmSeconds: times.ttmSeconds },
    })
    return { incident, update: { stage: input.stage, text, by: input.userId, at: now }, mitigated }
  })
}

export interface RoleChange<T> {
  incident: Incident
  from: T
  /** False when it already was so: nothing was written. */
  changed: boolean
}

export async function changeSeverity(db: Database, incidentId: string, severity: Severity, userId: string, now: Date): Promise<RoleChange<Severity>> {
  return db.transaction(async (tx) => {
    const current = await lockIncident(tx, incidentId)
    if (current.severity === severity) return { incident: current, from: current.severity, changed: false }
    const incident = await saveIncident(tx, incidentId, { severity }, now)
    const details = { from: current.severity, to: severity }
    await tx.insert(incidentEvents).values({
      incidentId,
      occurredAt: now,
      kind: 'severity',
      actor: userId,
      text: `Severity ${current.severity} → ${severity}`,
      details,
    })
    await tx
      .insert(auditLog)
      .values({ incidentId, actor: userId, action: 'incident.severity_changed', subjectType: 'incident', subjectId: incidentId, details })
    return { incident, from: current.severity, changed: true }
  })
}

/** Names the incident commander (`commanderId`, a Slack user id); the event's details say who it was before. */
export async function changeCommander(db: Database, incidentId: string, commanderId: string, userId: string, now: Date): Promise<RoleChange<string | null>> {
  return db.transaction(async (tx) => {
    const current = await lockIncident(tx, incidentId)
    if (current.commanderId === commanderId) return { incident: current, from: current.commanderId, changed: false }
    const incident = await saveIncident(tx, incidentId, { commanderId }, now)
    const details = { from: current.commanderId, to: commanderId }
    await tx.insert(incidentEvents).values({ incidentId, occurredAt: now, kind: 'commander', actor: userId, text: 'Incident commander changed', details })
    await tx.insert(auditLog).values({
      incidentId,
      actor: userId,
      action: 'incident.commander_changed',
      subjectType: 'incident',
      subjectId: incidentId,
      details,
    })
    return { incident, from: current.commanderId, changed: true }
  })
}

const statusUpdateDetails = z.object({ stage: responseStageSchema })

/** The incident's latest status update, or null when there has been none. */
export async function getLatestStatusUpdate(db: Database, incidentId: string): Promise<StatusUpdate | null> {
  const query = preparedQuery(db, 'latest_status_update', (d) =>
    d
      .select({ text: incidentEvents.text, actor: incidentEvents.actor, occurredAt: incidentEvents.occurredAt, details: incidentEvents.details })
      .from(incidentEvents)
      .where(and(eq(incidentEvents.incidentId, sql.placeholder('incidentId')), eq(incidentEvents.kind, 'status_update')))
      .orderBy(desc(incidentEvents.occurredAt), desc(incidentEvents.createdAt))
      .limit(1),
  )
  const [row] = await query.execute({ incidentId })
  return row ? statusUpdateOf(row) : null
}

function statusUpdateOf(row: { text: string; actor: string | null; occurredAt: Date; details: unknown }): StatusUpdate | null {
  const details = statusUpdateDetails.safeParse(row.details)
  if (!details.success) return null
  return { stage: details.data.stage, text: row.text, by: row.actor, at: row.occurredAt }
}

/**
 * The incident as its thread shows it (with its latest status update) in one statement, or null when it does not
 * exist: the root message is redrawn several times per incident, each after reading both.
 */
export async function getThreadIncident(db: Database, incidentId: string): Promise<IncidentWithUpdate | null> {
  const query = preparedQuery(db, 'thread_incident', (d) => {
    const latest = d
      .select({ text: incidentEvents.text, actor: incidentEvents.actor, occurredAt: incidentEvents.occurredAt, details: incidentEvents.details })
      .from(incidentEvents)
      .where(and(eq(incidentEvents.incidentId, incidents.id), eq(incidentEvents.kind, 'status_update')))
      .orderBy(desc(incidentEvents.occurredAt), desc(incidentEvents.createdAt))
      .limit(1)
      .as('latest_update')
    return d
      .select({ incident: incidentColumns, update: { text: latest.text, actor: latest.actor, occurredAt: latest.occurredAt, details: latest.details } })
      .from(incidents)
      .leftJoinLateral(latest, sql`true`)
      .where(eq(incidents.id, sql.placeholder('incidentId')))
  })
  const [row] = await query.execute({ incidentId })
  if (!row) return null
  return { ...toIncident(row.incident), latestUpdate: row.update ? statusUpdateOf(row.update) : null }
}

export async function getThreadIncidentOrThrow(db: Database, incidentId: string): Promise<IncidentWithUpdate> {
  const incident = await getThreadIncident(db, incidentId)
  if (!incident) throw new CodedError('incident_not_found', `incident ${incidentId} does not exist`)
  return incident
}

/** The incident whose own channel (INCIDENT_CHANNEL_MODE=channel) is `channel`, if any. */
export async function getIncidentByOwnChannel(db: Database, channel: string): Promise<Incident | null> {
  const [row] = await db.select(incidentColumns).from(incidents).where(eq(incidents.incidentChannelId, channel)).orderBy(desc(incidents.startedAt)).limit(1)
  return row ? toIncident(row) : null
}
