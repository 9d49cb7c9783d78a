import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MIGRATIONS_DIR, migrateDatabase, openDatabase, type DatabaseHandle } from '../../src/storage/database'
import { TEST_DATABASE_URL } from './services'

export interface TestDatabase {
  handle: DatabaseHandle
  url: string
  drop(): Promise<void>
}

/** A fresh, migrated database per test file, dropped afterwards: files run in parallel without sharing rows. */
export async function createTestDatabase(options: { migrationsFolder?: string } = {}): Promise<TestDatabase> {
  const name = `sre_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  const handle = await openDatabase(url.toString(), { poolSize: 5 })
  await migrateDatabase(handle, options)
  return {
    handle,
    url: url.toString(),
    async drop() {
      await handle.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 2 })
    },
  }
}

/** A fresh embedded PGlite database with the same migrations. */
export async function createPgliteDatabase(options: { migrationsFolder?: string } = {}): Promise<DatabaseHandle> {
  const handle = await openDatabase('pglite://memory')
  await migrateDatabase(handle, options)
  return handle
}

/** Either kind of database the product runs on, fresh and migrated, with the way to be rid of it (for `describe.each`). */
export async function openTestDatabaseOfKind(kind: 'postgres' | 'pglite'): Promise<{ db: DatabaseHandle['db']; close(): Promise<void> }> {
  if (kind === 'postgres') {
    const t = await createTestDatabase()
    return { db: t.handle.db, close: () => t.drop() }
  }
  const handle = await createPgliteDatabase()
  return { db: handle.db, close: () => handle.close() }
}

/**
 * A copy of migrations/ that ends at migration `last` (its journal cut there): a database migrated with it, then with
 * migrateDatabase, goes through the later migrations with rows already in it. Removed with the returned function.
 */
export async function migrationsUpTo(last: number): Promise<{ folder: string; remove(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'migrations-'))
  await cp(MIGRATIONS_DIR, folder, { recursive: true })
  const journalFile = join(folder, 'meta', '_journal.json')
  const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: Array<{ idx: number }> }
  journal.entries = journal.entries.filter((e) => e.idx <= last)
  await writeFile(journalFile, JSON.stringify(journal))
  return { folder, remove: () => rm(folder, { recursive: true, force: true }) }
}
