import { z } from 'zod'

/**
 * Turning a raw score into a probability, fitted on labelled outcomes.
 *
 * The raw score is the logit of a hand-weighted logistic combination of named factors
 * (the prior). With a few labels, Platt scaling (p = σ(a·logit + b)) is fitted,
 * shrunk towards the identity so that ten labels cannot swing it wildly; with many,
 * isotonic regression over the Platt output removes any remaining non-linearity.
 */

export interface LogisticPrior {
  weights: number[]
  bias: number
}

export interface IsotonicStep {
  /** Upper end of the score range this step covers. */
  upTo: number
  probability: number
}

export interface CalibrationModel {
  method: 'prior' | 'platt' | 'isotonic'
  /** p = σ(a·logit + b); a = 1, b = 0 is the prior itself. */
  platt: { a: number; b: number }
  isotonic: IsotonicStep[] | null
  samples: number
  positives: number
}

export interface LabelledScore {
  logit: number
  /** 1 when the prediction turned out right. */
  label: 0 | 1
}

/** Below this many labels the prior stands; from it, Platt scaling. */
export const PLATT_MIN_SAMPLES = 10
/** From this many labels (and both classes well represented), isotonic regression on top. */
export const ISOTONIC_MIN_SAMPLES = 300

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

export function priorLogit(prior: LogisticPrior, features: number[]): number {
  return prior.bias + prior.weights.reduce((s, w, i) => s + w * (features[i] ?? 0), 0)
}

export function uncalibrated(): CalibrationModel {
  return { method: 'prior', platt: { a: 1, b: 0 }, isotonic: null, samples: 0, positives: 0 }
}

export function applyCalibration(model: CalibrationModel, logit: number): number {
  const p = sigmoid(model.platt.a * logit + model.platt.b)
  if (!model.isotonic || model.isotonic.length === 0) return p
  const step = model.isotonic.find((s) => p <= s.upTo) ?? model.isotonic[model.isotonic.length - 1]!
  return step.probability
}

/** Fits the calibration that the number of labels supports. */
export function fitCalibration(samples: LabelledScore[]): CalibrationModel {
  const positives = samples.filter((s) => s.label === 1).length
  if (samples.length < PLATT_MIN_SAMPLES || positives === 0 || positives === samples.length) {
    return { ...uncalibrated(), samples: samples.length, positives }
  }
  const platt = fitPlatt(samples)
  const minority = Math.min(positives, samples.length - positives)
  if (samples.length < ISOTONIC_MIN_SAMPLES || minority < 30) return { method: 'platt', platt, isotonic: null, samples: samples.length, positives }
  const scored = samples.map((s) => ({ score: sigmoid(platt.a * s.logit + platt.b), label: s.label }))
  return { method: 'isotonic', platt, isotonic: fitIsotonic(scored), samples: samples.length, positives }
}

/**
 * Platt scaling by Newton's method on the penalised log-likelihood. The Gaussian
 * penalty pulls (a, b) towards (1, 0), the prior; its pull fades as labels accrue.
 * Targets are Platt's smoothed labels, so perfect separation cannot push a to infinity.
 */
export function fitPlatt(samples: LabelledScore[], penalty = 2): { a: number; b: number } {
  const positives = samples.filter((s) => s.label === 1).length
  const negatives = samples.length - positives
  const hi = (positives + 1) / (positives + 2)
  const lo = 1 / (negatives + 2)
  let a = 1
  let b = 0
  for (let iteration = 0; iteration < 50; iteration++) {
    // Gradient and Hessian of the negative log-likelihood plus penalty/2·((a−1)² + b²).
    let ga = penalty * (a - 1)
    let gb = penalty * b
    let haa = penalty
    let hab = 0
    let hbb = penalty
    for (const s of samples) {
      const p = sigmoid(a * s.logit + b)
      const t = s.label === 1 ? hi : lo
      const d = p - t
      const w = Math.max(p * (1 - p), 1e-12)
      ga += d * s.logit
      gb += d
      haa += w * s.logit * s.logit
      hab += w * s.logit
      hbb += w
    }
    const det = haa * hbb - hab * hab
    if (Math.abs(det) < 1e-12) break
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    a -= da
    b -= db
    if (Math.abs(da) + Math.abs(db) < 1e-9) break
  }
  return { a, b }
}

/** Pool-adjacent-violators: the non-decreasing step function closest to the labels. */
export function fitIsotonic(points: Array<{ score: number; label: 0 | 1 }>): IsotonicStep[] {
  const sorted = [...points].sort((x, y) => x.score - y.score)
  const blocks: Array<{ sum: number; count: number; upTo: number }> = []
  for (const p of sorted) {
    blocks.push({ sum: p.label, count: 1, upTo: p.score })
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!
      const prev = blocks[blocks.length - 2]!
      if (prev.sum / prev.count <= last.sum / last.count) break
      blocks.splice(blocks.length - 2, 2, { sum: prev.sum + last.sum, count: prev.count + last.count, upTo: last.upTo })
    }
  }
  // Laplace-smoothed step values (a block of three hits is not a certainty), kept non-decreasing.
  let floor = 0
  return blocks.map((b, i) => {
    floor = Math.max(floor, (b.sum + 0.5) / (b.count + 1))
    return { upTo: i === blocks.length - 1 ? 1 : b.upTo, probability: floor }
  })
}

/**
 * Out-of-sample forecasts for the labelled samples: each fold is predicted by a
 * calibration fitted on the other folds, so the reported error is not flattered.
 */
export function crossValidatedForecasts(samples: LabelledScore[], folds = 5): Array<{ probability: number; label: 0 | 1 }> {
  if (samples.length < folds * 2) return samples.map((s) => ({ probability: applyCalibration(uncalibrated(), s.logit), label: s.label }))
  const models = Array.from({ length: folds }, (_, fold) => fitCalibration(samples.filter((_, j) => j % folds !== fold)))
  return samples.map((s, i) => ({ probability: applyCalibration(models[i % folds]!, s.logit), label: s.label }))
}

/** A stored calibration, checked when read back. */
export const calibrationModelSchema = z.object({
  method: z.enum(['prior', 'platt', 'isotonic']),
  platt: z.object({ a: z.number(), b: z.number() }),
  isotonic: z.array(z.object({ upTo: z.number(), probability: z.number() })).nullable(),
  samples: z.number().int(),
  positives: z.number().int(),
})
