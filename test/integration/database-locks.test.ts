import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

describe('tryWithLock on Postgres', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await createTestDatabase()
  })
  afterAll(async () => t.drop())

  // Seen in bench:e2e with DATABASE_POOL_SIZE 12: each queue's worker runs WORKER_CONCURRENCY jobs, so more jobs than
  // connections can hold a lock at once; every connection was then reserved by a holder whose next query found none.
  it('holders more than the pool has connections all finish: their queries always find a connection', async () => {
    const { handle } = t // a pool of 5 connections
    const holders = Array.from({ length: 12 }, (_, i) =>
      handle.tryWithLock(`lock-test:${i}`, async () => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        const result = await handle.db.execute(sql`select ${i}::int as n`)
        return Number((result as unknown as Array<{ n: number }>)[0]!.n)
      }),
    )
    const done = await Promise.race([Promise.all(holders), new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 10_000))])
    expect(done).toEqual(Array.from({ length: 12 }, (_, i) => ({ ran: true, value: i })))
  })

  it('still keeps a key to one holder at a time', async () => {
    const { handle } = t
    let inside = 0
    let most = 0
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        handle.tryWithLock('lock-test:same', async () => {
          most = Math.max(most, ++inside)
          await new Promise((resolve) => setTimeout(resolve, 50))
          inside--
        }),
      ),
    )
    expect(most).toBe(1)
    expect(results.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1)
  })
})
