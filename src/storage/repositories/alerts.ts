import { desc } from 'drizzle-orm'
import type { Database } from '../database'
import { deadLetters } from '../schema'

export type DeadLetter = typeof deadLetters.$inferSelect

export async function recordDeadLetter(db: Database, values: typeof deadLetters.$inferInsert): Promise<DeadLetter> {
  const [row] = await db.insert(deadLetters).values(values).returning()
  return row!
}

export async function listDeadLetters(db: Database, limit = 50): Promise<DeadLetter[]> {
  return db.select().from(deadLetters).orderBy(desc(deadLetters.receivedAt)).limit(limit)
}
