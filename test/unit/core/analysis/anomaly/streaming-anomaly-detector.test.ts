import { describe, expect, it } from 'vitest'
import { StreamingAnomalyDetector, type AnomalyPointScore } from '../../../../../src/core/analysis/anomaly/streaming-anomaly-detector'
import { dailySine, gaussian, POINTS_PER_DAY, seededRandom, timestampOf } from '../../../../support/series-builders'

function scoreAll(values: number[]): AnomalyPointScore[] {
  const detector = new StreamingAnomalyDetector()
  return values.map((v, i) => detector.updateDetailed(timestampOf(i), v))
}

const maxScore = (points: AnomalyPointScore[]) => Math.max(...points.map((p) => p.score))
// This detector's NAB-optimised thresholds lie between 0.63 and 0.71 (docs/benchmarks/nab.md).
const FLAGGED = 0.7
const QUIET = 0.3

describe('StreamingAnomalyDetector', () => {
  describe('no look-ahead', () => {
    it('gives every point the same score whatever comes after it', () => {
      const prefix = dailySine(3, 2)
      const calm = [...prefix, ...dailySine(2, 2, 9)]
      const stormy = [...prefix, ...dailySine(2, 2, 9).map((v, i) => (i % 50 === 0 ? v * 3 : v + 40))]
      const alone = scoreAll(prefix)
      expect(scoreAll(calm).slice(0, prefix.length)).toEqual(alone)
      expect(scoreAll(stormy).slice(0, prefix.length)).toEqual(alone)
      expect(alone.some((p) => p.surprise > 0)).toBe(true)
    })
  })

  describe('what it flags', () => {
    const base = dailySine(6, 2)
    const at = 5 * POINTS_PER_DAY + 60

    it('flags a spike on a noisy seasonal series and nothing else after the first day', () => {
      const values = [...base]
      values[at] = values[at]! + 25
      const scores = scoreAll(values)
      expect(scores[at]!.score).toBeGreaterThanOrEqual(0.9)
      expect(maxScore(scores.slice(POINTS_PER_DAY).filter((_, i) => i + POINTS_PER_DAY !== at))).toBeLessThan(FLAGGED)
    })

    it('flags a level shift within three points of its start', () => {
      const scores = scoreAll(base.map((v, i) => (i >= at ? v + 15 : v)))
      expect(maxScore(scores.slice(at, at + 3))).toBeGreaterThanOrEqual(0.9)
      expect(maxScore(scores.slice(POINTS_PER_DAY, at))).toBeLessThan(FLAGGED)
    })

    it('reports a sustained anomaly where it starts, not on every point of it', () => {
      const scores = scoreAll(base.map((v, i) => (i >= at ? v + 15 : v)))
      const onset = scores.findIndex((p, i) => i >= at && p.score >= FLAGGED)
      const after = scores.slice(onset + 1, onset + 20)
      expect(after.some((p) => p.surprise >= FLAGGED)).toBe(true)
      expect(after.every((p) => p.score === 0)).toBe(true)
    })

    it('flags a daily jump that does not happen, from the same time on previous days', () => {
      const random = seededRandom(3)
      const missingDay = 4
      const values = Array.from({ length: 6 * POINTS_PER_DAY }, (_, i) => {
        const phase = i % POINTS_PER_DAY
        const high = phase >= 100 && phase < 200 && Math.floor(i / POINTS_PER_DAY) !== missingDay
        return (high ? 80 : 20) + gaussian(random)
      })
      const scores = scoreAll(values)
      const missing = scores.slice(missingDay * POINTS_PER_DAY + 100, missingDay * POINTS_PER_DAY + 200)
      expect(maxScore(missing)).toBeGreaterThanOrEqual(FLAGGED)
      expect(missing.find((p) => p.score >= FLAGGED)?.signal).toMatch(/same-time|seasonal/)
    })

    it('does not flag a clean daily sine once it has seen a day', () => {
      const scores = scoreAll(dailySine(6))
      expect(maxScore(scores.slice(POINTS_PER_DAY))).toBeLessThan(QUIET)
    })

    it('keeps every score in [0, 1], even on a wild random walk', () => {
      const random = seededRandom(11)
      let level = 0
      const scores = scoreAll(Array.from({ length: 3000 }, () => (level += gaussian(random) * (random() < 0.01 ? 1000 : 1))))
      expect(scores.every((p) => p.score >= 0 && p.score <= 1 && p.surprise >= 0 && p.surprise <= 1)).toBe(true)
    })

    it('takes a gap of days in its stride: the days without data are simply not compared', () => {
      const values = dailySine(6, 2)
      const detector = new StreamingAnomalyDetector()
      const gapDays = 3
      const scores = values.map((v, i) => detector.updateDetailed(timestampOf(i < 2 * POINTS_PER_DAY ? i : i + gapDays * POINTS_PER_DAY), v))
      expect(scores.every((p) => p.score >= 0 && p.score <= 1)).toBe(true)
      expect(maxScore(scores.slice(3 * POINTS_PER_DAY))).toBeLessThan(FLAGGED)
    })

    it('says nothing before it has minHistory points', () => {
      const detector = new StreamingAnomalyDetector({ minHistory: 50 })
      const scores = [1, 1, 1, 1000, 1, 1].map((v, i) => detector.update(timestampOf(i), v))
      expect(scores).toEqual([0, 0, 0, 0, 0, 0])
    })
  })

  describe('bad points', () => {
    it('refuses a value that is not a finite number', () => {
      const detector = new StreamingAnomalyDetector()
      expect(() => detector.update(timestampOf(0), NaN)).toThrow(expect.objectContaining({ code: 'metric_point_invalid' }))
      expect(() => detector.update(timestampOf(0), Infinity)).toThrow(expect.objectContaining({ code: 'metric_point_invalid' }))
      expect(() => detector.update(new Date('not a date'), 1)).toThrow(expect.objectContaining({ code: 'metric_point_invalid' }))
    })

    it('refuses time going backwards and takes a repeated timestamp as a further point', () => {
      const detector = new StreamingAnomalyDetector()
      detector.update(timestampOf(5), 1)
      expect(detector.update(timestampOf(5), 2)).toBe(0)
      expect(() => detector.update(timestampOf(4), 1)).toThrow(expect.objectContaining({ code: 'metric_point_invalid' }))
    })

    it('refuses options it cannot work with', () => {
      expect(() => new StreamingAnomalyDetector({ tailQuantile: 1 })).toThrow(RangeError)
      expect(() => new StreamingAnomalyDetector({ historyPoints: 0 })).toThrow(RangeError)
    })
  })
})
