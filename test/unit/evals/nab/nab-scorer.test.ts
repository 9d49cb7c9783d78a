import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseTimestamp } from '../../../../src/core/analysis/anomaly/parse-metric-csv'
import type { AnomalyWindow, CostMatrix, ScoredSeries } from '../../../../src/evals/nab/nab-types'
import { normalizeNabScore } from '../../../../src/evals/nab/normalize-nab-score'
import { optimizeCorpusThreshold } from '../../../../src/evals/nab/optimize-corpus-threshold'
import { scaledSigmoid } from '../../../../src/evals/nab/scaled-sigmoid'
import { scoreNabCorpus } from '../../../../src/evals/nab/score-nab-corpus'
import { scoreSeriesAtThreshold } from '../../../../src/evals/nab/score-series-at-threshold'
import { probationLength, sweepSeries } from '../../../../src/evals/nab/sweep-series'
import { checkScorerReproduction } from '../../../../src/evals/nab/check-scorer-reproduction'

const STANDARD: CostMatrix = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 }
const LOW_FN: CostMatrix = { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 }
const MINUTE = 60_000

/** 20 rows one minute apart, one window over rows 10..13; probation is floor(0.15 × 20) = 3 rows. */
function buildSeries(detections: Record<number, number>, overrides: Partial<ScoredSeries> = {}): ScoredSeries {
  const timestamps = Array.from({ length: 20 }, (_, i) => i * MINUTE)
  const windows: AnomalyWindow[] = [{ start: 10 * MINUTE, end: 13 * MINUTE }]
  const anomalyScores = timestamps.map((_, i) => detections[i] ?? 0)
  return { name: 'hand-made.csv', timestamps, windows, anomalyScores, ...overrides }
}

function scoreAt(series: ScoredSeries, threshold: number, cost = STANDARD) {
  return scoreSeriesAtThreshold(sweepSeries(series.timestamps, series.windows), series.anomalyScores, threshold, cost)
}

describe('NAB scorer', () => {
  describe('scaled sigmoid', () => {
    it('follows NAB: +0.98661 at a window left edge, 0 at its right edge, -1 from 3 widths past it', () => {
      expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5)
      expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5)
      expect(scaledSigmoid(0)).toBe(0)
      expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5)
      expect(scaledSigmoid(3)).toBe(-1)
    })
  })

  describe('one series at a threshold (hand-computed scores)', () => {
    it('gives a full true positive for a detection on the first row of the window', () => {
      expect(scoreAt(buildSeries({ 10: 1 }), 0.5)).toMatchObject({ score: 1, detectedWindows: 1, missedWindows: 0, falsePositiveRows: 0 })
    })

    it('rewards a later detection less: position -0.5 is worth 0.84828 / 0.98661', () => {
      expect(scoreAt(buildSeries({ 12: 1 }), 0.5).score).toBeCloseTo(0.8597925669097837, 12)
    })

    it('counts only the earliest detection in a window', () => {
      expect(scoreAt(buildSeries({ 11: 1, 12: 1, 13: 1 }), 0.5).score).toBeCloseTo(0.9669890878000605, 12)
    })

    it('costs a missed window fnWeight, under each profile', () => {
      expect(scoreAt(buildSeries({}), 0.5).score).toBe(-1)
      expect(scoreAt(buildSeries({}), 0.5, LOW_FN).score).toBe(-2)
    })

    it('costs a false positive before any window the full fpWeight', () => {
      expect(scoreAt(buildSeries({ 5: 1, 10: 1 }), 0.5).score).toBeCloseTo(1 - 0.11, 12)
    })

    it('costs a false positive just after a window less than one far after it', () => {
      const near = scoreAt(buildSeries({ 10: 1, 15: 1 }), 0.5).score - 1
      const far = scoreAt(buildSeries({ 10: 1, 19: 1 }), 0.5).score - 1
      expect(near).toBeCloseTo(-0.10242205695343354, 12)
      expect(far).toBeCloseTo(-0.10999001246888546, 12)
    })

    it('ignores everything in the probationary period', () => {
      expect(probationLength(20)).toBe(3)
      expect(probationLength(100_000)).toBe(750)
      expect(scoreAt(buildSeries({ 0: 1, 2: 1 }), 0.5)).toMatchObject({ score: -1, falsePositiveRows: 0, missedWindows: 1 })
    })

    it('detects where the score is at or above the threshold', () => {
      expect(scoreAt(buildSeries({ 10: 0.5 }), 0.5).score).toBe(1)
      expect(scoreAt(buildSeries({ 10: 0.4999 }), 0.5).score).toBe(-1)
    })

    it("writes NAB's per-row S(t) layout: the window's value on its first row, each FP on its own row", () => {
      const rows = scoreAt(buildSeries({ 5: 1, 12: 1 }), 0.5).rowScores
      expect(rows[5]).toBeCloseTo(-0.11, 12)
      expect(rows[10]).toBeCloseTo(0.8597925669097837, 12)
      expect([...rows].filter((v) => v !== 0)).toHaveLength(2)
    })

    it('refuses overlapping windows and non-finite scores instead of guessing', () => {
      const overlapping = [
        { start: 10 * MINUTE, end: 13 * MINUTE },
        { start: 12 * MINUTE, end: 15 * MINUTE },
      ]
      expect(() => sweepSeries(buildSeries({}).timestamps, overlapping)).toThrow(expect.objectContaining({ code: 'nab_input_invalid' }))
      expect(() => scoreAt(buildSeries({ 8: NaN }), 0.5)).toThrow(expect.objectContaining({ code: 'nab_input_invalid' }))
    })
  })

  describe('threshold optimisation over a corpus', () => {
    it('picks the threshold with the best summed score', () => {
      const series = buildSeries({ 5: 0.95, 12: 0.9, 15: 0.3 })
      const best = optimizeCorpusThreshold([{ swept: sweepSeries(series.timestamps, series.windows), anomalyScores: series.anomalyScores }], STANDARD)
      expect(best.threshold).toBe(0.9)
      expect(best.score).toBeCloseTo(0.7497925669097837, 12)
    })

    it('keeps the higher threshold when a lower one scores the same', () => {
      const series = buildSeries({ 12: 0.9, 13: 0.8 })
      const best = optimizeCorpusThreshold([{ swept: sweepSeries(series.timestamps, series.windows), anomalyScores: series.anomalyScores }], STANDARD)
      expect(best.threshold).toBe(0.9)
    })

    it('sums the series of a corpus under one threshold', () => {
      const a = buildSeries({ 12: 0.9 })
      const b = buildSeries({ 4: 0.8, 10: 0.7 }, { name: 'b.csv' })
      const corpus = [a, b].map((s) => ({ swept: sweepSeries(s.timestamps, s.windows), anomalyScores: s.anomalyScores }))
      // At 0.7: a's TP (0.8598) + b's FP (-0.11) + b's TP (1) beats 0.9 (0.8598 - 1) and 0.8 (0.8598 - 0.11 - 1).
      expect(optimizeCorpusThreshold(corpus, STANDARD)).toEqual({ threshold: 0.7, score: expect.closeTo(0.8597925669097837 - 0.11 + 1, 12) })
    })
  })

  describe('normalisation', () => {
    it('maps the null detector to 0 and a perfect detector to 100', () => {
      expect(normalizeNabScore(-67, -67, 67)).toBe(0)
      expect(normalizeNabScore(67, -67, 67)).toBe(100)
      const profiles = { standard: STANDARD, reward_low_FN_rate: LOW_FN }
      const perfect = scoreNabCorpus([buildSeries({ 10: 1 }), buildSeries({}, { name: 'clean.csv', windows: [] })], profiles)
      const silent = scoreNabCorpus([buildSeries({}), buildSeries({}, { name: 'clean.csv', windows: [] })], profiles)
      expect(perfect.map((p) => p.normalized)).toEqual([100, 100])
      expect(silent.map((p) => p.normalized)).toEqual([0, 0])
      expect(silent.map((p) => p.nullRaw)).toEqual([-1, -2])
    })
  })

  describe("reproducing NAB's published scores", () => {
    // Rows 1-800 of Numenta's published results for realTraffic/speed_7578.csv. Numenta's early
    // detections (up to row 117) stay inside the slice's probationary period (120 rows) and none
    // fall in rows 120-168, so NAB's S(t) values for these rows are those of the whole file.
    const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/anomaly/numenta-speed-7578-first-800-rows.json', import.meta.url), 'utf8')) as {
      windows: Array<[string, string]>
      thresholds: Record<string, number>
      profiles: Record<string, CostMatrix>
    }
    const lines = readFileSync(new URL('../../../fixtures/anomaly/numenta-speed-7578-first-800-rows.csv', import.meta.url), 'utf8')
      .trim()
      .split('\n')
    const header = lines[0]!.split(',')
    const rows = lines.slice(1).map((l) => l.split(','))
    const series: ScoredSeries = {
      name: 'realTraffic/speed_7578.csv',
      timestamps: rows.map((r) => parseTimestamp(r[0]!)),
      windows: fixture.windows.map(([start, end]) => ({ start: parseTimestamp(start), end: parseTimestamp(end) })),
      anomalyScores: rows.map((r) => Number(r[1])),
    }

    const publishedColumns = Object.fromEntries(Object.keys(fixture.profiles).map((p) => [p, rows.map((r) => Number(r[header.indexOf(`S(t)_${p}`)]))]))

    it('passes the reproduction check the eval prints, and fails it when a published score is off by more than 0.01', () => {
      const checks = checkScorerReproduction([{ ...series, rowScores: publishedColumns }], fixture.profiles, fixture.thresholds)
      expect(checks.map((c) => [c.profile, c.filesWithin])).toEqual(Object.keys(fixture.profiles).map((p) => [p, 1]))
      const tampered = { ...publishedColumns, standard: publishedColumns.standard!.map((v, i) => (i === 303 ? v + 0.02 : v)) }
      const failed = checkScorerReproduction([{ ...series, rowScores: tampered }], fixture.profiles, fixture.thresholds)
      expect(failed.find((c) => c.profile === 'standard')).toMatchObject({ filesWithin: 0, maxFileDifference: expect.closeTo(0.02, 9) })
    })

    for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
      it(`matches S(t)_${profile} row by row and in total at Numenta's published threshold`, () => {
        const column = header.indexOf(`S(t)_${profile}`)
        const published = rows.map((r) => Number(r[column]))
        const [result] = scoreNabCorpus([series], { [profile]: fixture.profiles[profile]! }, { thresholds: { [profile]: fixture.thresholds[profile]! } })
        const ours = result!.perSeries[0]!
        expect(ours.score).toBeCloseTo(
          published.reduce((sum, v) => sum + v, 0),
          2,
        )
        published.forEach((value, row) => {
          expect(Math.abs(ours.rowScores[row]! - value)).toBeLessThan(1e-9)
        })
        expect(published.some((v) => v > 0) && published.some((v) => v < 0)).toBe(true)
      })
    }
  })
})
