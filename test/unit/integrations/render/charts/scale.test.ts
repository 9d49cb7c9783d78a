import { describe, expect, it } from 'vitest'
import { bandScale, linearScale, niceTicks } from '../../../../../src/integrations/render/charts/scale'

describe('niceTicks', () => {
  it('picks the smallest 1, 2 or 5 × 10^k step that splits the range into at most five parts, widened to whole steps', () => {
    // 7 / 5 = 1.4 → step 2; 93 / 5 = 18.6 → step 20; 250 / 5 = 50 → step 50 exactly.
    expect(niceTicks(0, 7)).toEqual({ min: 0, max: 8, step: 2, ticks: [0, 2, 4, 6, 8] })
    expect(niceTicks(0, 93)).toEqual({ min: 0, max: 100, step: 20, ticks: [0, 20, 40, 60, 80, 100] })
    expect(niceTicks(12, 250).ticks).toEqual([0, 50, 100, 150, 200, 250])
    expect(niceTicks(0, 11, 6)).toEqual({ min: 0, max: 12, step: 2, ticks: [0, 2, 4, 6, 8, 10, 12] })
  })

  it('keeps decimal ticks exact (no 0.6000000000000001)', () => {
    // 0.87 / 5 = 0.174 → step 0.2, axis to 1.
    expect(niceTicks(0, 0.87).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    // 4.02 hours / 5 = 0.804 → step 1.
    expect(niceTicks(0, 4.02).ticks).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('never splits counts below 1 and gives an empty range an axis', () => {
    expect(niceTicks(0, 3, 5, { integer: true }).ticks).toEqual([0, 1, 2, 3])
    expect(niceTicks(0, 0, 5, { integer: true })).toEqual({ min: 0, max: 1, step: 1, ticks: [0, 1] })
    expect(niceTicks(5, 5).ticks).toEqual([5, 5.2, 5.4, 5.6, 5.8, 6])
  })

  it('refuses bounds that are not numbers', () => {
    expect(() => niceTicks(0, Number.NaN)).toThrow(RangeError)
  })
})

describe('scales', () => {
  it('maps linearly, including onto a reversed range', () => {
    const y = linearScale([0, 10], [500, 100])
    expect([y(0), y(5), y(10)]).toEqual([500, 300, 100])
  })

  it('splits a range into equal bands with padding between them', () => {
    // 4 bands over 400 px: steps of 100, bands of 80 starting 10 px into each step.
    const bands = bandScale(4, [0, 400], 0.2)
    expect(bands.band).toBe(80)
    expect([bands.start(0), bands.start(3), bands.center(1)]).toEqual([10, 310, 150])
  })
})
