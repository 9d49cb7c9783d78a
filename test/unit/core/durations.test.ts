import { describe, expect, it } from 'vitest'
import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS, SECOND_MS } from '../../../src/core/durations'

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [42 * SECOND_MS, '42 s'],
    [59.4 * SECOND_MS, '59 s'],
    [5 * MINUTE_MS, '5 min'],
    [59 * MINUTE_MS, '59 min'],
    [60 * MINUTE_MS, '1 h'],
    [2 * HOUR_MS + 31 * MINUTE_MS, '2 h 31 min'],
    [2 * HOUR_MS + 59 * MINUTE_MS + 40 * SECOND_MS, '3 h'],
    [23 * HOUR_MS + 59 * MINUTE_MS + 50 * SECOND_MS, '1 d'],
    [2 * DAY_MS + 15 * HOUR_MS, '2 d 15 h'],
    // The example: 3,782,100 minutes is about 7 years, not "3782100 min".
    [3_782_100 * MINUTE_MS, '2626 d 11 h'],
  ])('reads %d ms as "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('treats a negative duration (clock skew between sender and us) as zero', () => {
    expect(formatDuration(-5 * SECOND_MS)).toBe('0 s')
  })
})
