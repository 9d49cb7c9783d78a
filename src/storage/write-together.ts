import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Database } from './database'

/**
 * Runs several writes as one statement (each a data-modifying `WITH` item): one round trip instead of a
 * transaction's begin, N statements and commit, and still all or nothing. Each write sees the rows as they were
 * before the statement, so none may depend on another's effect (a delete and an insert of other rows is fine; two
 * changes of the same row are not). Empty lists and single writes need no `WITH`.
 */
export async function writeTogether(db: Database, writes: Array<SQLWrapper | null | undefined | false>): Promise<void> {
  const parts = writes.filter((w): w is SQLWrapper => Boolean(w))
  if (parts.length === 0) return
  if (parts.length === 1) {
    await db.execute(parts[0]!.getSQL())
    return
  }
  const items: SQL[] = parts.map((w, i) => sql`${sql.raw(`write_${i}`)} as (${w.getSQL()})`)
  await db.execute(sql`with ${sql.join(items, sql`, `)} select 1`)
}
