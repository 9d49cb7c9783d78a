import { asc, eq } from 'drizzle-orm'
import type { Database } from '../database'
import { auditLog, slackMessages } from '../schema'

export type AuditEntry = typeof auditLog.$inferSelect
export type NewAuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'at'>

export async function appendAudit(db: Database, entry: NewAuditEntry): Promise<AuditEntry> {
  const [row] = await db.insert(auditLog).values(entry).returning()
  return row!
}

export async function listAuditForIncident(db: Database, incidentId: string): Promise<AuditEntry[]> {
  return db.select().from(auditLog).where(eq(auditLog.incidentId, incidentId)).orderBy(asc(auditLog.id))
}

export async function getPostedMessage(db: Database, key: string): Promise<{ channel: string; ts: string } | null> {
  const [row] = await db.select().from(slackMessages).where(eq(slackMessages.key, key))
  return row ? { channel: row.channel, ts: row.ts } : null
}

export async function recordPostedMessage(db: Database, key: string, channel: string, ts: string): Promise<void> {
  await db.insert(slackMessages).values({ key, channel, ts }).onConflictDoNothing()
}
