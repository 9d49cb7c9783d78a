import { describe, expect, it } from 'vitest'
import { findLogPatternShifts } from '../../../src/core/analysis/logs/log-pattern-shifts'
import type { LogEntry } from '../../../src/core/telemetry/port'

const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 12, minute))
const entry = (minute: number, message: string): LogEntry => ({ at: at(minute), service: 'api', severity: 'ERROR', message })

describe('findLogPatternShifts', () => {
  const before = [
    ...Array.from({ length: 6 }, (_, i) => entry(i * 10, `cache miss for key user:${1000 + i}`)),
    ...Array.from({ length: 2 }, (_, i) => entry(5 + i * 20, `slow query took ${200 + i} ms`)),
  ]
  const now = [
    ...Array.from({ length: 5 }, (_, i) => entry(60 + i, `cache miss for key user:${2000 + i}`)),
    ...Array.from({ length: 40 }, (_, i) => entry(60 + (i % 10), `slow query took ${900 + i} ms`)),
    ...Array.from({ length: 12 }, (_, i) => entry(63 + (i % 5), `connection reset by peer 10.0.0.${i}:5432`)),
  ]
  const shifts = findLogPatternShifts(before, now, { beforeMinutes: 60, nowMinutes: 10 })

  it('reports a pattern that did not exist before', () => {
    expect(shifts.find((s) => s.kind === 'new')).toMatchObject({ template: 'connection reset by peer <*>:<*>', countNow: 12, countBefore: 0 })
  })

  it('reports a pattern far above its earlier rate, with the factor', () => {
    const surge = shifts.find((s) => s.kind === 'surge')
    expect(surge).toMatchObject({ template: 'slow query took <*> ms', countBefore: 2, countNow: 40 })
    expect(surge!.factor).toBeCloseTo(120, 0)
  })

  it('leaves a pattern at its usual rate alone', () => {
    expect(shifts.some((s) => s.template.startsWith('cache miss'))).toBe(false)
  })

  it('ignores patterns seen fewer times than the minimum', () => {
    expect(findLogPatternShifts([], [entry(1, 'one-off oddity')], { beforeMinutes: 60, nowMinutes: 10 })).toEqual([])
  })
})
