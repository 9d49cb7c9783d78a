import { and, asc, eq, sql } from 'drizzle-orm'
import type { Database } from '../database'
import { preparedQuery } from '../prepared-query'
import { parseStoredColumn } from '../parse-stored-column'
import { auditDetailsSchema, auditLog, slackMessages } from '../schema'

export type AuditEntry = typeof auditLog.$inferSelect
export type NewAuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'at'>

function toAuditEntry(row: AuditEntry): AuditEntry {
  return { ...row, details: parseStoredColumn(auditDetailsSchema, row.details, { table: 'audit_log', rowId: String(row.id), column: 'details' }) }
}

export async function appendAudit(db: Database, entry: NewAuditEntry): Promise<AuditEntry> {
  const query = preparedQuery(db, 'append_audit', (d) =>
    d
      .insert(auditLog)
      .values({
        actor: sql.placeholder('actor'),
        action: sql.placeholder('action'),
        incidentId: sql.placeholder('incidentId'),
        subjectType: sql.placeholder('subjectType'),
        subjectId: sql.placeholder('subjectId'),
        details: sql.placeholder('details'),
        slackChannel: sql.placeholder('slackChannel'),
        slackTs: sql.placeholder('slackTs'),
      })
      .returning(),
  )
  const [row] = await query.execute({
    actor: entry.actor,
    action: entry.action,
    incidentId: entry.incidentId ?? null,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    details: entry.details ?? {},
    slackChannel: entry.slackChannel ?? null,
    slackTs: entry.slackTs ?? null,
  })
  return toAuditEntry(row!)
}

/** The insert of appendAudit, unrun, to be written with other writes (writeTogether). */
export function auditWrite(db: Database, entry: NewAuditEntry) {
  return db.insert(auditLog).values(entry)
}

/** Several entries in one statement: all are written or none. */
export async function appendAudits(db: Database, entries: NewAuditEntry[]): Promise<void> {
  if (entries.length > 0) await db.insert(auditLog).values(entries)
}

/** Whether entries of `action` about a Slack message were written (a retried job must not write them twice). */
export async function hasAuditForMessage(db: Database, action: string, message: { channel: string; ts: string }): Promise<boolean> {
  const [row] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.slackChannel, message.channel), eq(auditLog.slackTs, message.ts)))
    .limit(1)
  return row !== undefined
}

/** Whether an entry of `action` about the incident was written (a job run twice must not write it twice). */
export async function hasAuditForIncident(db: Database, incidentId: string, action: string): Promise<boolean> {
  const [row] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.incidentId, incidentId)))
    .limit(1)
  return row !== undefined
}

export async function listAuditForIncident(db: Database, incidentId: string): Promise<AuditEntry[]> {
  const rows = await db.select().from(auditLog).where(eq(auditLog.incidentId, incidentId)).orderBy(asc(auditLog.id))
  return rows.map(toAuditEntry)
}

export async function getPostedMessage(db: Database, key: string): Promise<{ channel: string; ts: string } | null> {
  const query = preparedQuery(db, 'posted_message', (d) =>
    d
      .select({ channel: slackMessages.channel, ts: slackMessages.ts })
      .from(slackMessages)
      .where(eq(slackMessages.key, sql.placeholder('key'))),
  )
  const [row] = await query.execute({ key })
  return row ? { channel: row.channel, ts: row.ts } : null
}

export async function recordPostedMessage(db: Database, key: string, channel: string, ts: string): Promise<void> {
  const query = preparedQuery(db, 'record_posted_message', (d) =>
    d
      .insert(slackMessages)
      .values({ key: sql.placeholder('key'), channel: sql.placeholder('channel'), ts: sql.placeholder('ts') })
      .onConflictDoNothing(),
  )
  await query.execute({ key, channel, ts })
}

/**
 * Takes `key` for the caller alone: true for the first of concurrent callers, so a double click posts once.
 * A claim never settled within `staleAfterMs` (its poster died) can be taken again.
 */
export async function claimPostedMessage(db: Database, key: string, channel: string, staleAfterMs = 120_000): Promise<boolean> {
  // The ts is set once the message is posted; until then the row only says someone is posting it.
  const rows = await db
    .insert(slackMessages)
    .values({ key, channel, ts: '' })
    .onConflictDoUpdate({
      target: slackMessages.key,
      set: { channel, createdAt: sql`now()` },
      setWhere: sql`${slackMessages.ts} = '' and ${slackMessages.createdAt} < now() - make_interval(secs => ${staleAfterMs / 1000})`,
    })
    .returning({ key: slackMessages.key })
  return rows.length === 1
}

export async function settlePostedMessage(db: Database, key: string, channel: string, ts: string): Promise<void> {
  await db.update(slackMessages).set({ channel, ts }).where(eq(slackMessages.key, key))
}

/** Gives a claim back when the post failed, so the next click tries again. */
export async function releasePostedMessage(db: Database, key: string): Promise<void> {
  await db.delete(slackMessages).where(and(eq(slackMessages.key, key), eq(slackMessages.ts, '')))
}
