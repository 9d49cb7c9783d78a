import { describe, expect, it } from 'vitest'
import { cleanSeries, median, robustSpread, typicalStep } from '../../../../../src/core/analysis/rca/clean-series'

describe('cleanSeries', () => {
  it('drops points whose time or value is not a finite number and counts them', () => {
    const c = cleanSeries([
      { at: 0, value: 1 },
      { at: 60, value: NaN },
      { at: NaN, value: 2 },
      { at: 120, value: Infinity },
      { at: 180, value: 3 },
    ])
    expect(c.points).toEqual([
      { at: 0, value: 1 },
      { at: 180, value: 3 },
    ])
    expect(c.droppedNonFinite).toBe(3)
  })

  it('sorts unsorted points by time', () => {
    expect(
      cleanSeries([
        { at: 120, value: 3 },
        { at: 0, value: 1 },
        { at: 60, value: 2 },
      ]).points.map((p) => p.value),
    ).toEqual([1, 2, 3])
  })

  it('averages points that share a timestamp', () => {
    const c = cleanSeries([
      { at: 0, value: 1 },
      { at: 0, value: 3 },
      { at: 0, value: 5 },
      { at: 60, value: 7 },
    ])
    expect(c.points).toEqual([
      { at: 0, value: 3 },
      { at: 60, value: 7 },
    ])
    expect(c.mergedDuplicates).toBe(2)
  })

  it('returns an empty series for an empty input', () => {
    expect(cleanSeries([])).toEqual({ points: [], droppedNonFinite: 0, mergedDuplicates: 0 })
  })

  it('does not change the caller’s points', () => {
    const input = [
      { at: 0, value: 1 },
      { at: 0, value: 3 },
    ]
    cleanSeries(input)
    expect(input).toEqual([
      { at: 0, value: 1 },
      { at: 0, value: 3 },
    ])
  })
})

describe('typicalStep', () => {
  it('is the median gap, so one missing point does not change it', () => {
    expect(typicalStep([0, 60, 120, 240, 300].map((at) => ({ at, value: 0 })))).toBe(60)
  })

  it('is null with fewer than two points', () => {
    expect(typicalStep([{ at: 0, value: 1 }])).toBeNull()
  })
})

describe('median and robustSpread', () => {
  it('ignore a single outlier', () => {
    expect(median([1, 2, 3, 100])).toBe(2.5)
    expect(robustSpread([1, 1, 1, 1, 100])).toBe(0)
  })

  it('are NaN for no values', () => {
    expect(median([])).toBeNaN()
    expect(robustSpread([])).toBeNaN()
  })
})
