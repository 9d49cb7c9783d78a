import { describe, expect, it } from 'vitest'
import { SlidingSortedWindow } from '../../../../../src/core/analysis/anomaly/sliding-sorted-window'
import { seededRandom } from '../../../../support/series-builders'

describe('SlidingSortedWindow', () => {
  it('keeps exactly the last `capacity` values, as a sorted list would', () => {
    const random = seededRandom(5)
    const window = new SlidingSortedWindow(50)
    const all: number[] = []
    for (let i = 0; i < 500; i++) {
      const v = Math.round(random() * 20) // many ties
      window.push(v)
      all.push(v)
      const kept = all.slice(-50)
      const probe = Math.round(random() * 20)
      expect(window.countAtLeast(probe)).toBe(kept.filter((k) => k >= probe).length)
      expect([window.min, window.max]).toEqual([Math.min(...kept), Math.max(...kept)])
    }
    expect(window.size).toBe(50)
  })

  it('gives empirical odds inside the data and exponential-tail odds beyond it', () => {
    const window = new SlidingSortedWindow(1000)
    for (let i = 1; i <= 1000; i++) window.push(i)
    // 501 of 1000 values are ≥ 500, plus one pseudo-count.
    expect(window.exceedanceProbability(500, 0.99)).toBeCloseTo(502 / 1001, 12)
    // Top 10 values 991..1000 have mean excess 4.5 over 991.
    expect(window.exceedanceProbability(1000 + 9, 0.99)).toBeCloseTo((10 / 1001) * Math.exp(-18 / 4.5), 12)
    expect(window.exceedanceProbability(1e6, 0.99)).toBeLessThan(1e-100)
  })

  it('floors the tail scale, and gives zero odds past a tail of identical values', () => {
    const flat = new SlidingSortedWindow(100)
    for (let i = 0; i < 100; i++) flat.push(3)
    expect(flat.exceedanceProbability(3.5, 0.99)).toBe(0)
    expect(flat.exceedanceProbability(3.5, 0.99, 1)).toBeCloseTo((5 / 101) * Math.exp(-0.5), 12)
  })
})
