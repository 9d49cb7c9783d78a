import { crossValidatedForecasts, fitCalibration, priorLogit, uncalibrated, PLATT_MIN_SAMPLES, type CalibrationModel } from './calibration'
import { brierScore, expectedCalibrationError } from './calibration-metrics'
import { diagnosisPriorLogit, DIAGNOSIS_FEATURES_RESCORABLE } from './compute-confidence'
import { RETRIEVAL_PRIOR } from './retrieval-confidence'

/** A new calibration is fitted once this many more outcomes are labelled than the last one used. */
export const REFIT_EVERY = 5

export type CalibrationKind = 'diagnosis' | 'retrieval'

/** One past confidence whose outcome is known. */
export interface LabelledOutcome {
  /** For diagnosis: the uncalibrated probability (retrieval: 0). */
  raw: number
  /** The factor values the score was computed from. */
  features: number[] | null
  label: 0 | 1
}

export type CalibrationRefit = { refitted: false; model: CalibrationModel } | { refitted: true; model: CalibrationModel; ece: number; brier: number }

const logitOf = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p))
  return Math.log(q / (1 - q))
}

/**
 * The diagnosis prior's logit of a labelled row, re-scored from its features with today's factor
 * list (factors added since count as neutral), so old and new rows are on one scale; rows stored
 * before the factor order was fixed keep the probability they were given.
 */
function diagnosisLogit(l: LabelledOutcome): number {
  return l.features && l.features.length >= DIAGNOSIS_FEATURES_RESCORABLE ? diagnosisPriorLogit(l.features) : logitOf(l.raw)
}

/**
 * The calibration to use now: the stored one while fewer than REFIT_EVERY outcomes were labelled since
 * it was fitted (none while there are too few to fit), else a new fit with its cross-validated scores.
 */
export function refitCalibration(kind: CalibrationKind, labelled: LabelledOutcome[], stored: CalibrationModel | null): CalibrationRefit {
  if (labelled.length < PLATT_MIN_SAMPLES || (stored && labelled.length < stored.samples + REFIT_EVERY)) {
    return { refitted: false, model: stored ?? { ...uncalibrated(), samples: labelled.length } }
  }
  const samples = labelled.map((l) => ({ logit: kind === 'diagnosis' ? diagnosisLogit(l) : priorLogit(RETRIEVAL_PRIOR, l.features ?? []), label: l.label }))
  const model = fitCalibration(samples)
  const forecasts = crossValidatedForecasts(samples)
  return { refitted: true, model, ece: expectedCalibrationError(forecasts), brier: brierScore(forecasts) }
}
