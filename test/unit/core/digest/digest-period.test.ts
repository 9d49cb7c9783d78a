import { describe, expect, it } from 'vitest'
import { recentDigestPeriod, scheduledDigestPeriod } from '../../../../src/core/digest/digest-period'
import { startOfZonedDay } from '../../../../src/core/digest/zoned-calendar'
import { cronMatches, parseCronPattern } from '../../../../src/core/jobs/cron-pattern'

describe('digest periods in the digest time zone', () => {
  it('a scheduled run covers the 7 whole days before the day it runs, whenever in that day it runs', () => {
    const monday9 = scheduledDigestPeriod(new Date('2026-12-07T08:00:00Z'), 'Europe/Paris')
    const mondayRetry = scheduledDigestPeriod(new Date('2026-12-07T20:00:00Z'), 'Europe/Paris')
    expect(monday9).toEqual({ since: new Date('2026-11-29T23:00:00Z'), until: new Date('2026-12-06T23:00:00Z'), timeZone: 'Europe/Paris' })
    expect(mondayRetry).toEqual(monday9)
  })

  it('/sre digest 7d covers today so far and the 6 days before, to the minute', () => {
    expect(recentDigestPeriod(new Date('2026-12-06T15:42:31Z'), 7, 'UTC')).toEqual({
      since: new Date('2026-11-30T00:00:00Z'),
      until: new Date('2026-12-06T15:42:00Z'),
      timeZone: 'UTC',
    })
  })

  it('a day that starts in summer time is 23 hours long', () => {
    expect(startOfZonedDay('2026-03-29', 'Europe/Paris')).toEqual(new Date('2026-03-28T23:00:00Z'))
    expect(startOfZonedDay('2026-03-30', 'Europe/Paris')).toEqual(new Date('2026-03-29T22:00:00Z'))
  })
})

describe('cron patterns', () => {
  it('fires on the wall clock of the time zone', () => {
    const monday9 = parseCronPattern('0 9 * * 1')
    expect(cronMatches(monday9, new Date('2026-12-07T08:00:00Z'), 'Europe/Paris')).toBe(true)
    expect(cronMatches(monday9, new Date('2026-12-07T09:00:00Z'), 'Europe/Paris')).toBe(false)
    expect(cronMatches(parseCronPattern('*/15 8-10 1,15 * 7'), new Date('2026-12-06T09:45:00Z'), 'UTC')).toBe(true)
  })

  it('refuses what it cannot read', () => {
    expect(() => parseCronPattern('0 9 * *')).toThrow(/five fields/)
    expect(() => parseCronPattern('0 25 * * 1')).toThrow(/out of range/)
    expect(() => parseCronPattern('0 9 * * mon')).toThrow(/not understood/)
  })
})
