import { desc, eq } from 'drizzle-orm'
import type { Database } from '../database'
import { alerts, deadLetters } from '../schema'

export type DeadLetter = typeof deadLetters.$inferSelect

export async function recordDeadLetter(db: Database, values: typeof deadLetters.$inferInsert): Promise<DeadLetter> {
  const [row] = await db.insert(deadLetters).values(values).returning()
  return row!
}

export async function listDeadLetters(db: Database, limit = 50): Promise<DeadLetter[]> {
  return db.select().from(deadLetters).orderBy(desc(deadLetters.receivedAt)).limit(limit)
}

export async function listAlertsForIncident(db: Database, incidentId: string) {
  return db.select().from(alerts).where(eq(alerts.incidentId, incidentId)).orderBy(alerts.receivedAt)
}
