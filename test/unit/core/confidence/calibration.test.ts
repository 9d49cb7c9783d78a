import { describe, expect, it } from 'vitest'
import {
  applyCalibration,
  crossValidatedForecasts,
  fitCalibration,
  fitIsotonic,
  sigmoid,
  uncalibrated,
  type LabelledScore,
} from '../../../../src/core/confidence/calibration'
import {
  brierScore,
  calibrationErrorFloor,
  expectedCalibrationError,
  logLoss,
  rankAuc,
  reliabilityBins,
  spiegelhalterTest,
} from '../../../../src/core/confidence/calibration-metrics'

/** Deterministic outcomes: the true probability is σ(0.5·logit − 1), so the raw logit is overconfident and too high. */
function overconfidentHistory(n: number): LabelledScore[] {
  let state = 7
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
  return Array.from({ length: n }, () => {
    const logit = -4 + 8 * random()
    return { logit, label: random() < sigmoid(0.5 * logit - 1) ? 1 : 0 }
  })
}

describe('calibration', () => {
  it('keeps the prior until there are ten labels of both kinds', () => {
    expect(fitCalibration(overconfidentHistory(9)).method).toBe('prior')
    expect(fitCalibration(overconfidentHistory(40).map((s) => ({ ...s, label: 1 as const }))).method).toBe('prior')
    expect(applyCalibration(uncalibrated(), 0)).toBe(0.5)
  })

  it('Platt scaling fitted on history removes most of an overconfident prior’s error', () => {
    const history = overconfidentHistory(400)
    const [train, test] = [history.slice(0, 200), history.slice(200)]
    const model = fitCalibration(train)
    expect(model.method).toBe('platt')
    expect(model.platt.a).toBeGreaterThan(0.3)
    expect(model.platt.a).toBeLessThan(0.8)
    const raw = test.map((s) => ({ probability: sigmoid(s.logit), label: s.label }))
    const calibrated = test.map((s) => ({ probability: applyCalibration(model, s.logit), label: s.label }))
    expect(expectedCalibrationError(calibrated)).toBeLessThan(expectedCalibrationError(raw) / 2)
    expect(brierScore(calibrated)).toBeLessThan(brierScore(raw))
  })

  it('adds isotonic regression once labels are plentiful, and stays monotone', () => {
    const model = fitCalibration(overconfidentHistory(600))
    expect(model.method).toBe('isotonic')
    const curve = [-4, -2, 0, 2, 4].map((l) => applyCalibration(model, l))
    expect([...curve].sort((a, b) => a - b)).toEqual(curve)
  })

  it('pools adjacent violators into a non-decreasing step function', () => {
    const steps = fitIsotonic([
      { score: 0.1, label: 1 },
      { score: 0.2, label: 0 },
      { score: 0.3, label: 0 },
      { score: 0.9, label: 1 },
    ])
    expect(steps.map((s) => s.probability)).toEqual([...steps.map((s) => s.probability)].sort((a, b) => a - b))
    expect(steps.at(-1)!.upTo).toBe(1)
  })

  it('cross-validated forecasts are out of sample, one per labelled sample', () => {
    const history = overconfidentHistory(100)
    const forecasts = crossValidatedForecasts(history)
    expect(forecasts).toHaveLength(100)
    expect(forecasts.map((f) => f.label)).toEqual(history.map((s) => s.label))
  })
})

describe('calibration metrics', () => {
  it('computes ECE over equal-width bins and the Brier score', () => {
    const forecasts = [
      { probability: 0.9, label: 1 as const },
      { probability: 0.9, label: 0 as const },
      { probability: 0.1, label: 0 as const },
      { probability: 0.1, label: 0 as const },
    ]
    // Bin 0.9: accuracy 0.5 vs 0.9; bin 0.1: accuracy 0 vs 0.1.
    expect(expectedCalibrationError(forecasts)).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.1, 10)
    expect(brierScore(forecasts)).toBeCloseTo((0.01 + 0.81 + 0.01 + 0.01) / 4, 10)
  })

  it('gives the sampling-noise floor of ECE: large for a few dozen forecasts, small for thousands, the same on every run', () => {
    const few = calibrationErrorFloor(Array.from({ length: 50 }, (_, i) => 0.2 + (i % 7) / 10))
    const many = calibrationErrorFloor(
      Array.from({ length: 3000 }, (_, i) => 0.2 + (i % 7) / 10),
      { trials: 200 },
    )
    expect(few.mean).toBeGreaterThan(0.05)
    expect(many.mean).toBeLessThan(few.mean / 3)
    expect(calibrationErrorFloor([0.3, 0.7, 0.5])).toEqual(calibrationErrorFloor([0.3, 0.7, 0.5]))
  })

  describe('discrimination, log loss and reliability bins', () => {
    const forecasts = [
      { probability: 0.9, label: 1 as const },
      { probability: 0.8, label: 0 as const },
      { probability: 0.3, label: 1 as const },
      { probability: 0.1, label: 0 as const },
      { probability: 0.15, label: 0 as const },
    ]

    it('rank AUC counts the right-over-wrong pairs, ties half, and is 0.5 without both classes', () => {
      // Right 0.9 beats all three wrong; right 0.3 beats 0.1 and 0.15: 5 of 6 pairs.
      expect(rankAuc(forecasts)).toBeCloseTo(5 / 6, 10)
      expect(
        rankAuc([
          { probability: 0.4, label: 1 },
          { probability: 0.4, label: 0 },
        ]),
      ).toBe(0.5)
      expect(rankAuc([{ probability: 0.4, label: 1 }])).toBe(0.5)
    })

    it('log loss is the mean negative log-likelihood, finite for a confident miss', () => {
      expect(
        logLoss([
          { probability: 0.8, label: 1 },
          { probability: 0.8, label: 0 },
        ]),
      ).toBeCloseTo(-(Math.log(0.8) + Math.log(0.2)) / 2, 10)
      expect(Number.isFinite(logLoss([{ probability: 1, label: 0 }]))).toBe(true)
    })

    it("Spiegelhalter's test: z from the outcomes' deviations, a two-sided normal p, no evidence when outcomes match", () => {
      // Four forecasts of 0.25, two right: z = 0.5 / sqrt(4 · 0.5² · 0.25 · 0.75) = 1.1547, p = 0.2482.
      const quarter = (label: 0 | 1) => ({ probability: 0.25, label })
      const test = spiegelhalterTest([quarter(1), quarter(1), quarter(0), quarter(0)])
      expect(test.z).toBeCloseTo(1.1547, 4)
      expect(test.p).toBeCloseTo(0.2482, 4)
      const matching = spiegelhalterTest(Array.from({ length: 10 }, (_, i) => ({ probability: 0.8, label: (i < 8 ? 1 : 0) as 0 | 1 })))
      expect(matching.z).toBeCloseTo(0, 10)
      expect(matching.p).toBeCloseTo(1, 6)
      const overconfident = spiegelhalterTest(Array.from({ length: 20 }, () => ({ probability: 0.9, label: 0 as const })))
      expect(overconfident.p).toBeLessThan(1e-6)
      expect(spiegelhalterTest([{ probability: 0.5, label: 1 }])).toEqual({ z: 0, p: 1 })
    })

    it('reliability bins give each occupied bin its count, mean confidence and accuracy', () => {
      expect(reliabilityBins(forecasts)).toEqual([
        { from: 0.1, to: 0.2, count: 2, confidence: expect.closeTo(0.125, 10), accuracy: 0 },
        { from: 0.3, to: 0.4, count: 1, confidence: 0.3, accuracy: 1 },
        { from: 0.8, to: 0.9, count: 1, confidence: 0.8, accuracy: 0 },
        { from: 0.9, to: 1, count: 1, confidence: 0.9, accuracy: 1 },
      ])
    })
  })
})
