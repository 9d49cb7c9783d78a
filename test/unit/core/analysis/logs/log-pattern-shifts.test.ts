import { describe, expect, it } from 'vitest'
import { findLogPatternShifts, type LogSample } from '../../../../../src/core/analysis/logs/log-pattern-shifts'
import type { LogTemplateHistorySnapshot, StoredLogTemplate } from '../../../../../src/core/analysis/logs/log-template-history'
import type { LogEntry } from '../../../../../src/core/telemetry/port'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Minute `m` after 12:00 UTC on 10 March 2026 (negative for earlier). */
const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 12, 0) + minute * 60_000)
const entry = (minute: number, message: string, severity: LogEntry['severity'] = 'ERROR'): LogEntry => ({
  at: at(minute),
  service: 'payment-api',
  severity,
  message,
})
const sample = (from: number, to: number, entries: LogEntry[], complete = true): LogSample => ({ start: at(from), end: at(to), entries, complete })
/** Buckets of `minutes` minutes from `start`, every 5 minutes. */
const buckets = (start: Date, minutes: number) => Array.from({ length: minutes / 5 }, (_, i) => new Date(start.getTime() + i * 5 * 60_000))

describe('findLogPatternShifts', () => {
  describe('without stored history (the hour before is the baseline)', () => {
    const before = sample(0, 60, [
      ...Array.from({ length: 6 }, (_, i) => entry(i * 10, `cache miss for key user:${1000 + i}`)),
      ...Array.from({ length: 2 }, (_, i) => entry(5 + i * 20, `slow query took ${200 + i} ms`)),
    ])
    const now = sample(60, 70, [
      ...Array.from({ length: 5 }, (_, i) => entry(60 + i, `cache miss for key user:${2000 + i}`)),
      ...Array.from({ length: 40 }, (_, i) => entry(60 + (i % 10), `slow query took ${900 + i} ms`)),
      ...Array.from({ length: 12 }, (_, i) => entry(63 + (i % 5), `connection reset by peer 10.0.0.${i}:5432`)),
    ])
    const { shifts, baseline } = findLogPatternShifts({ before, now, history: null, deploys: [] })

    it('reports a pattern that did not exist before', () => {
      expect(baseline).toMatchObject({ kind: 'hour-before', minutes: 60, description: 'the hour before' })
      expect(shifts.find((s) => s.kind === 'new')).toMatchObject({
        template: 'connection reset by peer <*>:<*>',
        countNow: 12,
        countBefore: 0,
        deployAt: null,
        firstSeenAt: at(63),
      })
    })

    it('says a new pattern may be older than its first fetched line when the window fetch was cut short', () => {
      const cut = findLogPatternShifts({ before, now: { ...now, complete: false }, history: null, deploys: [] })
      expect(cut.shifts.find((s) => s.kind === 'new')).toMatchObject({ firstSeenAt: at(63), firstSeenIsBound: true })
      expect(shifts.find((s) => s.kind === 'new')).toMatchObject({ firstSeenIsBound: false })
    })

    it('reports a pattern far above its earlier rate, with the factor', () => {
      const surge = shifts.find((s) => s.kind === 'surge')
      expect(surge).toMatchObject({ template: 'slow query took <*> ms', countBefore: 2, countNow: 40, factorIsFloor: false })
      expect(surge!.factor).toBeCloseTo(120, 0)
    })

    it('leaves a pattern at its usual rate alone', () => {
      expect(shifts.some((s) => s.template.startsWith('cache miss'))).toBe(false)
    })

    it('ignores patterns seen fewer times than the minimum', () => {
      expect(findLogPatternShifts({ before, now: sample(60, 70, [entry(61, 'one-off oddity')]), history: null, deploys: [] }).shifts).toEqual([])
    })

    it('still compares with an hour before that was cut short, over the span its lines cover, without storing that span as observed', () => {
      const cut = { ...before, entries: before.entries.filter((e) => e.at >= at(20)), complete: false }
      const result = findLogPatternShifts({ before: cut, now, history: null, deploys: [] })
      // Lines from 12:20 to 12:50: the buckets from 12:25 to 12:45 are whole.
      expect(result.baseline).toMatchObject({ kind: 'hour-before', minutes: 25 })
      expect(result.shifts.find((s) => s.kind === 'new')).toMatchObject({ template: 'connection reset by peer <*>:<*>' })
      expect(result.observedBuckets.every((b) => b >= at(60))).toBe(true)
    })

    it('reports nothing when there is nothing to compare with', () => {
      const result = findLogPatternShifts({ before: null, now, history: null, deploys: [] })
      expect(result.baseline).toBeNull()
      expect(result.shifts).toEqual([])
      expect(result.observations.length).toBeGreaterThan(0)
    })
  })

  describe('new since the deploy', () => {
    const before = sample(
      0,
      60,
      Array.from({ length: 6 }, (_, i) => entry(i * 10, `cache miss for key user:${1000 + i}`)),
    )
    const now = sample(
      60,
      70,
      Array.from({ length: 8 }, (_, i) => entry(64 + (i % 4), `payment ${4000 + i} failed: NullPointerException in CardTokenizer`)),
    )

    it('names the latest deploy before the pattern first appeared', () => {
      const { shifts } = findLogPatternShifts({ before, now, history: null, deploys: [at(20), at(62), at(69)] })
      expect(shifts).toEqual([
        expect.objectContaining({ kind: 'new', template: 'payment <*> failed: NullPointerException in CardTokenizer', deployAt: at(62), firstSeenAt: at(64) }),
      ])
    })

    it('falls back to when it was first seen when no deploy preceded it', () => {
      const { shifts } = findLogPatternShifts({ before, now, history: null, deploys: [at(69)] })
      expect(shifts[0]).toMatchObject({ kind: 'new', deployAt: null, firstSeenAt: at(64) })
    })

    it('does not call a pattern new that storage saw days ago, though the hour before did not have it', () => {
      const stored: StoredLogTemplate = {
        id: 7,
        template: 'payment <*> failed: NullPointerException in CardTokenizer',
        firstSeenAt: at(-3 * 24 * 60),
        lastSeenAt: at(-3 * 24 * 60),
        buckets: [],
      }
      const { shifts } = findLogPatternShifts({ before, now, history: { templates: [stored], observedBuckets: [] }, deploys: [at(62)] })
      expect(shifts).toEqual([expect.objectContaining({ kind: 'surge', factorIsFloor: true, countBefore: 0 })])
    })
  })

  describe('against stored statistics', () => {
    // Six previous days observed at the same hours (12:00-14:00), 2 slow queries per hour there.
    const observed = [1, 2, 3, 4, 5, 6].flatMap((d) => buckets(new Date(at(0).getTime() - d * DAY), 120))
    const slowQueries: StoredLogTemplate = {
      id: 3,
      template: 'slow query took <*> ms',
      firstSeenAt: new Date(at(0).getTime() - 6 * DAY),
      lastSeenAt: at(-90),
      buckets: [1, 2, 3, 4, 5, 6].flatMap((d) => [0, 30, 60, 90].map((m) => ({ start: new Date(at(m).getTime() - d * DAY), count: 1 }))),
    }
    const history: LogTemplateHistorySnapshot = { templates: [slowQueries], observedBuckets: observed }
    const now = sample(
      60,
      70,
      Array.from({ length: 40 }, (_, i) => entry(60 + (i % 10), `slow query took ${900 + i} ms`, 'WARNING')),
    )

    it('measures the surge against the same hours of previous days when the hour before was not fetched', () => {
      const { shifts, baseline } = findLogPatternShifts({ before: null, now, history, deploys: [] })
      expect(baseline).toMatchObject({
        kind: 'same-hours',
        days: 6,
        minutes: 6 * 120,
        description: 'the same hours of the previous 6 days and the 2 hours before (12 h of logs)',
      })
      // 40 in 10 min against 24 in 720 min.
      expect(shifts).toEqual([expect.objectContaining({ kind: 'surge', template: 'slow query took <*> ms', countBefore: 24, countNow: 40 })])
      expect(shifts[0]!.factor).toBeCloseTo(120, 5)
    })

    it('takes the larger count where this run and storage counted the same bucket, so a re-run does not double count', () => {
      // An earlier run stored today's 12:00 bucket with the same two lines this run fetches again.
      const before = sample(0, 60, [entry(1, 'slow query took 12 ms', 'WARNING'), entry(2, 'slow query took 13 ms', 'WARNING')])
      const storedAgain = { ...slowQueries, buckets: [...slowQueries.buckets, { start: at(0), count: 2 }] }
      const withBefore = findLogPatternShifts({
        before,
        now,
        history: { templates: [storedAgain], observedBuckets: [...observed, ...buckets(at(0), 60)] },
        deploys: [],
      })
      expect(withBefore.shifts[0]).toMatchObject({ countBefore: 26 })
    })

    it('matches the stored template when the mined one is more specific, keeping the stored text', () => {
      const generic: StoredLogTemplate = { ...slowQueries, id: 9, template: 'slow <*> took <*> ms', buckets: [] }
      const { observations } = findLogPatternShifts({ before: null, now, history: { templates: [generic], observedBuckets: observed }, deploys: [] })
      expect(observations).toEqual([expect.objectContaining({ storedId: 9, template: 'slow <*> took <*> ms' })])
    })

    it('matches a stored template that the mined one has generalised, and passes the general text on to store', () => {
      const older: StoredLogTemplate = { id: 4, template: 'login failed for user alice from <*>', firstSeenAt: at(-2000), lastSeenAt: at(-1000), buckets: [] }
      const users = ['alice', 'bob', 'carol', 'dave', 'erin']
      const logins = sample(
        60,
        70,
        users.map((u, i) => entry(61 + i, `login failed for user ${u} from 10.1.1.${i}`, 'WARNING')),
      )
      const { observations, shifts } = findLogPatternShifts({
        before: null,
        now: logins,
        history: { templates: [older], observedBuckets: observed },
        deploys: [],
      })
      expect(observations).toEqual([expect.objectContaining({ storedId: 4, template: 'login failed for user <*> from <*>' })])
      expect(shifts.every((s) => s.kind !== 'new')).toBe(true)
    })

    it('never matches a stored template made of parameters only', () => {
      const overflow: StoredLogTemplate = { id: 1, template: '<*> <*> <*> <*>', firstSeenAt: at(-5000), lastSeenAt: at(-5000), buckets: [] }
      const { observations } = findLogPatternShifts({ before: null, now, history: { templates: [overflow], observedBuckets: observed }, deploys: [] })
      expect(observations[0]).toMatchObject({ storedId: null })
    })
  })

  describe('what it hands to storage', () => {
    it('counts per 5-minute bucket, and marks as observed only whole buckets of fetches not cut short', () => {
      const before = sample(-62, -2, [entry(-61, 'disk almost full on volume data', 'WARNING'), entry(-30, 'disk almost full on volume data', 'CRITICAL')])
      const now = sample(-2, 9, [entry(1, 'disk almost full on volume data', 'WARNING'), entry(3, 'disk almost full on volume data', 'WARNING')], false)
      const result = findLogPatternShifts({ before, now, history: null, deploys: [] })
      expect(result.observations).toEqual([
        {
          storedId: null,
          template: 'disk almost full on volume data',
          maxSeverity: 'CRITICAL',
          firstSeenAt: at(-61),
          lastSeenAt: at(3),
          buckets: [
            { start: at(-65), count: 1 },
            { start: at(-30), count: 1 },
            { start: at(0), count: 2 },
          ],
        },
      ])
      expect(result.observedBuckets).toEqual(buckets(at(-60), 55))
    })

    it('does not mark as observed the last five minutes of the incident window, which may still be arriving', () => {
      const now = sample(0, 20, [entry(1, 'disk almost full on volume data', 'WARNING')])
      expect(findLogPatternShifts({ before: null, now, history: null, deploys: [] }).observedBuckets).toEqual(buckets(at(0), 15))
    })

    it('survives empty messages, binary garbage and a multi-megabyte line, and skips INFO lines and bad times', () => {
      const garbage = String.fromCharCode(...Array.from({ length: 4000 }, (_, i) => (i * 7919) % 65536))
      const now = sample(0, 10, [
        entry(1, ''),
        entry(2, garbage),
        entry(3, `payload ${'x'.repeat(3_000_000)}`),
        entry(4, 'routine line', 'INFO'),
        { ...entry(5, 'no time'), at: new Date(Number.NaN) },
      ])
      const result = findLogPatternShifts({ before: sample(-60, 0, []), now, history: null, deploys: [] })
      expect(result.observations.every((o) => o.buckets.every((b) => Number.isFinite(b.start.getTime())))).toBe(true)
      expect(result.observations.some((o) => o.template.includes('routine') || o.template.includes('no time'))).toBe(false)
      expect(result.observations.every((o) => o.template.length <= 16_384)).toBe(true)
    })
  })
})
