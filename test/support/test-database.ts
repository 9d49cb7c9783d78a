import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { migrateDatabase, openDatabase, type DatabaseHandle } from '../../src/storage/database'
import { TEST_DATABASE_URL } from './services'

export interface TestDatabase {
  handle: DatabaseHandle
  url: string
  drop(): Promise<void>
}

/** A fresh, migrated database per test file, dropped afterwards: files run in parallel without sharing rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sre_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  const handle = await openDatabase(url.toString(), { poolSize: 5 })
  await migrateDatabase(handle)
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
export async function createPgliteDatabase(): Promise<DatabaseHandle> {
  const handle = await openDatabase('pglite://memory')
  await migrateDatabase(handle)
  return handle
}
