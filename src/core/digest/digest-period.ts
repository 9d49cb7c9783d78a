import { MINUTE_MS } from '../durations'
import { jobIdFor } from '../jobs/job-queue'
import type { DigestPeriod } from './compute-digest'
import { addDays, startOfZonedDay, zonedDay } from './zoned-calendar'

/** The scheduled digest's period: the 7 whole days (in `timeZone`) before the day it runs, so every run of that day covers the same week. */
export function scheduledDigestPeriod(now: Date, timeZone: string): DigestPeriod {
  const today = zonedDay(now, timeZone)
  return { since: startOfZonedDay(addDays(today, -7), timeZone), until: startOfZonedDay(today, timeZone), timeZone }
}

/** `/sre digest 7d|30d`: the last `days` calendar days up to now, today included (so far). */
export function recentDigestPeriod(now: Date, days: number, timeZone: string): DigestPeriod {
  // Whole minutes: the same command typed twice within a minute is one job (digestJobId).
  const until = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS)
  return { since: startOfZonedDay(addDays(zonedDay(now, timeZone), -(days - 1)), timeZone), until, timeZone }
}

/** One `digest.post` job per period and channel: a retry, a second replica or a repeated command posts once. */
export function digestJobId(since: Date, until: Date, channel: string): string {
  return jobIdFor('digest', since.toISOString(), until.toISOString(), channel)
}

/** The key the digest message is posted and stored under. */
export function digestKey(period: { since: Date; until: Date }, channel: string): string {
  return `digest:${channel}:${period.since.toISOString()}:${period.until.toISOString()}`
}
