import type { Database } from './database'

const built = new WeakMap<object, Map<string, unknown>>()

/**
 * A drizzle prepared query, built once per database (or transaction) object and reused: building a wide select
 * through the query builder costs several times what running it does (≈ 300 µs against 70 µs of this process's CPU
 * for an incident read), and the few reads an analysis repeats most are worth building once. Values come in through
 * `sql.placeholder`s, so each use only binds them. `build` gives the query builder; it is prepared here under `name`,
 * which must be unique per query across the codebase.
 */
export function preparedQuery<Q>(db: Database, name: string, build: (db: Database) => { prepare(name: string): Q }): Q {
  let queries = built.get(db)
  if (!queries) {
    queries = new Map()
    built.set(db, queries)
  }
  let query = queries.get(name) as Q | undefined
  if (query === undefined) {
    query = build(db).prepare(name)
    queries.set(name, query)
  }
  return query
}
