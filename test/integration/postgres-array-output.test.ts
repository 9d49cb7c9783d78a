import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { type Database, rowsOf } from '../../src/storage/database'
import { ArrayElementMatcher, integerArrayElements, postgresArrayLiteral } from '../../src/storage/postgres-array'
import { openTestDatabaseOfKind } from '../support/test-database'

// Elements Postgres writes quoted (empty, NULL as text, delimiters, braces, quotes, backslashes, spaces) and plain ones.
const HOSTILE = ['', 'NULL', 'null', 'a,b', 'a b', 'tab\there', 'quote"d', 'back\\slash', '{brace}', '}', '"', '\\', 'ünïcödé', '<num>', '=java.net.x']
const PLAIN = ['timeout', 'pool', 'orders-db', 'x', 'poolx', 'xpool', 'nul', 'nulll']

describe.each(['postgres', 'pglite'] as const)('reading arrays as Postgres writes them, on %s', (kind) => {
  let db: Database
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ db, close } = await openTestDatabaseOfKind(kind))
  })
  afterAll(async () => close())

  const written = async (elements: string[], withNull: boolean): Promise<string> => {
    const array = withNull ? sql`array_append(${postgresArrayLiteral(elements)}::text[], null)` : sql`${postgresArrayLiteral(elements)}::text[]`
    const [row] = rowsOf(await db.execute(sql`select (${array})::text as literal`))
    return String(row!.literal)
  }

  it('finds exactly the wanted elements, at their positions, whatever the quoting', async () => {
    const elements = [...PLAIN.slice(0, 3), ...HOSTILE, ...PLAIN.slice(3)]
    const literal = await written(elements, true)
    for (const wanted of [HOSTILE, PLAIN, ['pool', 'NULL', ''], ['absent'], elements]) {
      const found: Array<[string, number]> = []
      new ArrayElementMatcher(wanted).scan(literal, (element, index) => found.push([element, index]))
      const expected = elements.flatMap((e, i): Array<[string, number]> => (wanted.includes(e) ? [[e, i]] : []))
      expect(found).toEqual(expected)
    }
  })

  it('matches nothing in an empty array, and never the SQL NULL element', async () => {
    const found: string[] = []
    new ArrayElementMatcher(['NULL', 'x']).scan(await written([], false), (e) => found.push(e))
    new ArrayElementMatcher(['NULL']).scan(await written(['x'], true), (e) => found.push(e))
    expect(found).toEqual([])
  })

  it('reads integers at given positions, NULL as 0', async () => {
    const [row] = rowsOf(await db.execute(sql`select array[7, 0, -2, null, 32767, 12]::smallint[]::text as literal`))
    const literal = String(row!.literal)
    expect(integerArrayElements(literal, [0, 2, 3, 4, 5])).toEqual([7, -2, 0, 32767, 12])
    expect(integerArrayElements(literal, [1, 5])).toEqual([0, 12])
    expect(integerArrayElements(literal, [])).toEqual([])
    expect(integerArrayElements('{}', [0])).toEqual([0])
  })
})
