import { execFileSync } from 'node:child_process'
import postgres from 'postgres'
import { describe, expect, it } from 'vitest'

describe('postgres.js as patched at install (scripts/patch-postgres-query.mjs)', () => {
  it('settles queries through prototype methods, not arrow functions made per query', async () => {
    // No connection is made: a query runs only once awaited.
    const sql = postgres('postgres://nobody@127.0.0.1:1/none', { max: 1 })
    const query = sql.unsafe('select 1')
    expect(Object.hasOwn(query, 'resolve')).toBe(false)
    expect(Object.hasOwn(query, 'reject')).toBe(false)
    expect(typeof (query as unknown as { resolve: unknown }).resolve).toBe('function')
    await sql.end({ timeout: 0 })
  })

  it('is applied once: running the script again changes nothing', () => {
    expect(execFileSync(process.execPath, ['scripts/patch-postgres-query.mjs'], { encoding: 'utf8' })).toBe('')
  })
})
