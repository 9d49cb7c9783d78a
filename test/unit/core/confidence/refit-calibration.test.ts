import { describe, expect, it } from 'vitest'
import { PLATT_MIN_SAMPLES, type CalibrationModel } from '../../../../src/core/confidence/calibration'
import { REFIT_EVERY, refitCalibration, type LabelledOutcome } from '../../../../src/core/confidence/refit-calibration'

/** Outcomes whose raw confidence says something: high ones mostly right, low ones mostly wrong. */
function outcomes(count: number): LabelledOutcome[] {
  return Array.from({ length: count }, (_, i) => {
    const raw = 0.1 + (0.8 * i) / Math.max(1, count - 1)
    return { raw, features: null, label: raw > 0.5 !== (i % 7 === 0) ? 1 : 0 }
  })
}

const storedWith = (samples: number): CalibrationModel => ({
  method: 'platt',
  platt: { a: 0.8, b: 0.1 },
  isotonic: null,
  samples,
  positives: Math.floor(samples / 2),
})

describe('refitCalibration', () => {
  it('keeps the prior while there are too few outcomes to fit, counting them', () => {
    const refit = refitCalibration('diagnosis', outcomes(PLATT_MIN_SAMPLES - 1), null)
    expect(refit).toEqual({ refitted: false, model: { method: 'prior', platt: { a: 1, b: 0 }, isotonic: null, samples: PLATT_MIN_SAMPLES - 1, positives: 0 } })
  })

  it('keeps the stored model until REFIT_EVERY more outcomes are labelled', () => {
    const stored = storedWith(12)
    expect(refitCalibration('diagnosis', outcomes(12 + REFIT_EVERY - 1), stored)).toEqual({ refitted: false, model: stored })
  })

  it('fits again once enough new outcomes are labelled, with its cross-validated scores', () => {
    const refit = refitCalibration('diagnosis', outcomes(12 + REFIT_EVERY), storedWith(12))
    expect(refit.refitted).toBe(true)
    if (!refit.refitted) return
    expect(refit.model).toMatchObject({ method: 'platt', samples: 12 + REFIT_EVERY })
    expect(refit.model.platt.a).toBeGreaterThan(0)
    expect(refit.ece).toBeGreaterThanOrEqual(0)
    expect(refit.ece).toBeLessThanOrEqual(1)
    expect(refit.brier).toBeLessThan(0.25)
  })

  it('fits a first model from nothing stored once there are enough outcomes', () => {
    expect(
      refitCalibration(
        'retrieval',
        outcomes(PLATT_MIN_SAMPLES).map((o) => ({ ...o, features: [o.raw] })),
        null,
      ).refitted,
    ).toBe(true)
  })
})
