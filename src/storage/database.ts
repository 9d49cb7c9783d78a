import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { CodedError, errorMessage } from '../core/errors'
import * as schema from './schema'

export type Schema = typeof schema
/** Either driver: postgres.js against Postgres, or PGlite embedded. Repositories take this. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>

/** Runs `fn` only if no other holder of `key` is running, across every process on the database. */
export type TryWithLock = <T>(key: string, fn: () => Promise<T>) => Promise<{ ran: true; value: T } | { ran: false }>

export interface DatabaseHandle {
  db: Database
  kind: 'postgres' | 'pglite'
  url: string
  tryWithLock: TryWithLock
  close(): Promise<void>
}

/** PGlite lives in one process, so a set of held keys is the whole story. */
function inProcessLocks(): TryWithLock {
  const held = new Set<string>()
  return async (key, fn) => {
    if (held.has(key)) return { ran: false }
    held.add(key)
    try {
      return { ran: true, value: await fn() }
    } finally {
      held.delete(key)
    }
  }
}

/**
 * Session settings of the similar-incident search (pgvector ≥ 0.8: an iterative HNSW scan keeps walking the graph
 * until enough rows pass the as-of filter), given when each connection starts, so that a search is one statement
 * rather than a transaction that sets them first. An older pgvector ignores them (placeholders). A beam of 64 rather than
 * 100 (2026-12-06, 100,000 incidents): recall@30 against exact search 0.983 against 0.988 on 200 generated queries
 * (40 gave 0.968; bench:search's recall@10 was 0.947–0.957 at 40, 64 and 100 alike), the HNSW statement p50 4.9 → 3.5 ms.
 */
export const SEARCH_SESSION_SETTINGS = { 'hnsw.ef_search': '64', 'hnsw.iterative_scan': 'relaxed_order' } as const
const withSearchSettings = new WeakSet<object>()

/** Whether every connection of `db` starts with SEARCH_SESSION_SETTINGS (Postgres, not the embedded PGlite). */
export function hasSearchSessionSettings(db: Database): boolean {
  return withSearchSettings.has(db)
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

/** Opens the database named by DATABASE_URL (postgres://… or pglite://<dir>|memory). */
export async function openDatabase(url: string, options: { poolSize?: number; preparedStatements?: boolean } = {}): Promise<DatabaseHandle> {
  if (url.startsWith('pglite://')) {
    const { PGlite } = await import('@electric-sql/pglite')
    const { vector } = await import('@electric-sql/pglite-pgvector')
    const { drizzle } = await import('drizzle-orm/pglite')
    const location = url.slice('pglite://'.length)
    const dataDir = location === 'memory' ? undefined : location
    if (dataDir) mkdirSync(dataDir, { recursive: true })
    const client = await PGlite.create({ dataDir, extensions: { vector } })
    const db = drizzle(client, { schema }) as unknown as Database
    return { db, kind: 'pglite', url, tryWithLock: inProcessLocks(), close: () => client.close() }
  }
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const client = postgres(
    ...postgresTarget(url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      connection: SEARCH_SESSION_SETTINGS,
    }),
  )
  // One round trip now, so an unreachable database is said plainly here, not later behind the SQL of the first query.
  try {
    await client`select 1`
  } catch (err) {
    await client.end({ timeout: 1 }).catch(() => undefined)
    throw databaseUnreachable(url, err)
  }
  const db = drizzle(options.preparedStatements === false ? client : preparingStatements(client), { schema }) as unknown as Database
  withSearchSettings.add(db)
  // A session advisory lock on a reserved connection: released when the holder finishes or its process dies. A holder's
  // own queries need another connection: holders are capped below the pool, so that one always remains for them (each
  // queue's worker runs WORKER_CONCURRENCY jobs, so more jobs than connections can want a lock at once).
  const holders = concurrencyLimit(Math.max(1, (options.poolSize ?? 10) - LOCK_FREE_CONNECTIONS))
  const tryWithLock: TryWithLock = (key, fn) => holders(() => withReservedLock(key, fn))
  const withReservedLock: TryWithLock = async (key, fn) => {
    const reserved = await client.reserve()
    try {
      const [row] = await reserved`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`
      if (!row?.locked) return { ran: false }
      try {
        return { ran: true, value: await fn() }
      } finally {
        await reserved`select pg_advisory_unlock(hashtextextended(${key}, 0))`
      }
    } finally {
      reserved.release()
    }
  }
  return { db, kind: 'postgres', url, tryWithLock, close: () => client.end({ timeout: 5 }) }
}

/** Connections of the pool that lock holders never reserve: their own queries and transactions run there. */
const LOCK_FREE_CONNECTIONS = 2

/** Runs at most `limit` calls at once; the others wait their turn, holding nothing. */
export function concurrencyLimit(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: Array<() => void> = []
  return async (fn) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    try {
      return await fn()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
}

type PostgresClient = import('postgres').Sql

/**
 * The client as drizzle sees it, with every parameterised statement prepared once per connection. drizzle asks
 * postgres.js for unnamed statements, which postgres.js sends in two round trips (Parse + Describe, then Bind +
 * Execute) and the server parses and plans each time; a prepared one is Bind + Execute from its second use on, about
 * half the work on both sides for the few dozen statements an analysis runs. Transactions and savepoints get the
 * same client. Statements stay cached while their connection lives (postgres.js replaces each after 30–60 min).
 */
function preparingStatements(client: PostgresClient): PostgresClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe')
        return (query: string, args?: unknown[], queryOptions?: Record<string, unknown>) =>
          target.unsafe(query, args as never, { ...queryOptions, prepare: true })
      if (property === 'begin' || property === 'savepoint')
        return (...args: unknown[]) => {
          const body = args.pop() as (scoped: PostgresClient) => unknown
          return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[property]!(...args, (scoped: PostgresClient) =>
            body(preparingStatements(scoped)),
          )
        }
      return Reflect.get(target, property, receiver)
    },
  })
}

/**
 * Applies migrations/ in order. On Postgres an advisory lock serialises replicas
 * that start at the same time. `migrationsFolder` (tests): another folder, e.g. the migrations up to an earlier one.
 */
export async function migrateDatabase(handle: DatabaseHandle, options: { migrationsFolder?: string } = {}): Promise<void> {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_DIR
  if (handle.kind === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator')
    await migrate(handle.db as never, { migrationsFolder })
    return
  }
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const { migrate } = await import('drizzle-orm/postgres-js/migrator')
  // One connection, so the session-level lock and the migration share it.
  const client = postgres(...postgresTarget(handle.url, { max: 1, onnotice: () => {} }))
  try {
    await client`select pg_advisory_lock(727361)`
    await migrate(drizzle(client), { migrationsFolder })
    await client`select pg_advisory_unlock(727361)`
  } finally {
    await client.end({ timeout: 5 })
  }
}

/** "cannot reach Postgres at host:port (ECONNREFUSED: …)", without the password. */
/**
 * The URL and options postgres.js connects with. A `host` parameter naming a directory (libpq's form, e.g. Cloud Run's
 * `postgres://user:pass@/db?host=/cloudsql/project:region:instance`) is a Unix socket in it, which postgres.js only
 * takes as its `path` option; on one machine a Unix socket also costs less per statement than TCP on loopback.
 */
export function postgresTarget<O extends object>(url: string, options: O): [string, O & { path?: string }] {
  if (!/[?&]host=(\/|%2F)/i.test(url)) return [url, options]
  // No host before the path ("user@/db"), as libpq allows, is not a URL to WHATWG's parser.
  const parsed = new URL(url.replace(/^(postgres(?:ql)?:\/\/(?:[^@/]*@)?)\//, '$1localhost/'))
  const directory = parsed.searchParams.get('host')!
  parsed.searchParams.delete('host')
  return [parsed.toString(), { ...options, path: `${directory.replace(/\/+$/, '')}/.s.PGSQL.${parsed.port || '5432'}` }]
}

function databaseUnreachable(url: string, err: unknown): CodedError<'database_unreachable'> {
  let where = 'DATABASE_URL'
  try {
    const parsed = new URL(url)
    where = `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`
  } catch {
    // An unparsable URL is still reported, without its location.
  }
  const code = (err as { code?: unknown }).code
  const reason = errorMessage(err, { rootCause: true }).split('\n')[0]!
  return new CodedError(
    'database_unreachable',
    `cannot reach Postgres at ${where} (${typeof code === 'string' && !reason.includes(code) ? `${code}: ` : ''}${reason})`,
    {
      code,
    },
  )
}

/** The rows of a raw `execute`: postgres.js answers an array, PGlite an object holding `rows`. */
export function rowsOf<R = Record<string, unknown>>(result: unknown): R[] {
  return (Array.isArray(result) ? result : (result as { rows: R[] }).rows) as R[]
}
