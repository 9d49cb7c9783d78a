import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import type { Database } from '../../src/storage/database'
import { claimPostedMessage, getPostedMessage, releasePostedMessage, settlePostedMessage } from '../../src/storage/repositories/audit'
import { slackMessages } from '../../src/storage/schema'
import { openTestDatabaseOfKind } from '../support/test-database'

describe.each(['postgres', 'pglite'] as const)('claims of a message to post once, on %s', (kind) => {
  let db: Database
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ db, close } = await openTestDatabaseOfKind(kind))
  })
  afterAll(async () => close())

  it('goes to one of many concurrent callers, and stays taken once the message is posted', async () => {
    const claims = await Promise.all(Array.from({ length: 5 }, () => claimPostedMessage(db, 'k:concurrent', 'C1')))
    expect(claims.filter(Boolean)).toHaveLength(1)
    await settlePostedMessage(db, 'k:concurrent', 'C1', '1.000100')
    expect(await getPostedMessage(db, 'k:concurrent')).toEqual({ channel: 'C1', ts: '1.000100' })
    // Even long after: a posted message is never claimed again.
    await db
      .update(slackMessages)
      .set({ createdAt: new Date(Date.now() - 3_600_000) })
      .where(eq(slackMessages.key, 'k:concurrent'))
    expect(await claimPostedMessage(db, 'k:concurrent', 'C1')).toBe(false)
  })

  it('is given back when the post failed, and taken again when its poster died before posting', async () => {
    expect(await claimPostedMessage(db, 'k:released', 'C1')).toBe(true)
    await releasePostedMessage(db, 'k:released')
    expect(await claimPostedMessage(db, 'k:released', 'C1')).toBe(true)

    expect(await claimPostedMessage(db, 'k:stale', 'C1')).toBe(true)
    expect(await claimPostedMessage(db, 'k:stale', 'C1')).toBe(false)
    await db
      .update(slackMessages)
      .set({ createdAt: new Date(Date.now() - 3_600_000) })
      .where(eq(slackMessages.key, 'k:stale'))
    expect(await claimPostedMessage(db, 'k:stale', 'C1')).toBe(true)
    expect(await claimPostedMessage(db, 'k:stale', 'C1')).toBe(false)
  })
})
