export interface Forecast {
  /** Predicted probability that the prediction is right. */
  probability: number
  /** 1 when it was right. */
  label: 0 | 1
}

/**
 * Expected calibration error: the gap between stated confidence and observed accuracy,
 * averaged over equal-width confidence bins and weighted by how many forecasts fall in each.
 */
export function expectedCalibrationError(forecasts: Forecast[], bins = 10): number {
  if (forecasts.length === 0) return 0
  const sums = Array.from({ length: bins }, () => ({ n: 0, confidence: 0, hits: 0 }))
  for (const f of forecasts) {
    const bin = sums[Math.min(bins - 1, Math.floor(f.probability * bins))]!
    bin.n++
    bin.confidence += f.probability
    bin.hits += f.label
  }
  return sums.reduce((s, b) => (b.n === 0 ? s : s + (b.n / forecasts.length) * Math.abs(b.hits / b.n - b.confidence / b.n)), 0)
}

/** Mean squared error of the probabilities: 0 is perfect, 0.25 is a coin toss at 0.5. */
export function brierScore(forecasts: Forecast[]): number {
  if (forecasts.length === 0) return 0
  return forecasts.reduce((s, f) => s + (f.probability - f.label) ** 2, 0) / forecasts.length
}

/**
 * The ECE that a perfectly calibrated forecaster making these same forecasts would
 * still show, from sampling alone (mean over simulated outcomes, seeded). On a few
 * dozen queries it is large: an observed ECE is only meaningful against it.
 */
export function calibrationErrorFloor(probabilities: number[], options: { trials?: number; bins?: number; seed?: number } = {}): { mean: number; p90: number } {
  if (probabilities.length === 0) return { mean: 0, p90: 0 }
  let state = options.seed ?? 0x5eed
  // mulberry32: a small, fast, seeded generator, so the figure is the same on every run.
  const random = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const errors: number[] = []
  for (let trial = 0; trial < (options.trials ?? 1000); trial++) {
    errors.push(
      expectedCalibrationError(
        probabilities.map((p) => ({ probability: p, label: random() < p ? 1 : 0 })),
        options.bins,
      ),
    )
  }
  errors.sort((a, b) => a - b)
  return { mean: errors.reduce((s, e) => s + e, 0) / errors.length, p90: errors[Math.floor(errors.length * 0.9)]! }
}

/** Mean negative log-likelihood of the outcomes (natural log); probabilities are kept off 0 and 1. */
export function logLoss(forecasts: Forecast[]): number {
  if (forecasts.length === 0) return 0
  const clip = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p))
  return -forecasts.reduce((s, f) => s + Math.log(f.label === 1 ? clip(f.probability) : 1 - clip(f.probability)), 0) / forecasts.length
}

/**
 * Discrimination: the chance that a right prediction was given more confidence than a wrong one
 * (ties count half), whatever the calibration. 0.5 when one class is absent.
 */
export function rankAuc(forecasts: Forecast[]): number {
  const right = forecasts.filter((f) => f.label === 1).map((f) => f.probability)
  const wrong = forecasts.filter((f) => f.label === 0).map((f) => f.probability)
  if (right.length === 0 || wrong.length === 0) return 0.5
  let wins = 0
  for (const r of right) for (const w of wrong) wins += r > w ? 1 : r === w ? 0.5 : 0
  return wins / (right.length * wrong.length)
}

/** Forecasts and outcomes per equal-width confidence bin: the reliability diagram as numbers. */
export function reliabilityBins(forecasts: Forecast[], bins = 10): Array<{ from: number; to: number; count: number; confidence: number; accuracy: number }> {
  const out = Array.from({ length: bins }, (_, i) => ({ from: i / bins, to: (i + 1) / bins, count: 0, confidence: 0, accuracy: 0 }))
  for (const f of forecasts) {
    const bin = out[Math.min(bins - 1, Math.floor(f.probability * bins))]!
    bin.count++
    bin.confidence += f.probability
    bin.accuracy += f.label
  }
  return out.filter((b) => b.count > 0).map((b) => ({ ...b, confidence: b.confidence / b.count, accuracy: b.accuracy / b.count }))
}

/**
 * Spiegelhalter's test of calibration: z = Σ(y−p)(1−2p) / √Σ(1−2p)²p(1−p), standard normal
 * when the forecasts are calibrated. Unlike ECE it needs no bins, so it still means something
 * on a few dozen forecasts: a large p says the outcomes give no evidence of miscalibration.
 */
export function spiegelhalterTest(forecasts: Forecast[]): { z: number; p: number } {
  let numerator = 0
  let variance = 0
  for (const f of forecasts) {
    numerator += (f.label - f.probability) * (1 - 2 * f.probability)
    variance += (1 - 2 * f.probability) ** 2 * f.probability * (1 - f.probability)
  }
  if (variance <= 0) return { z: 0, p: 1 }
  const z = numerator / Math.sqrt(variance)
  return { z, p: Math.min(1, 2 * standardNormalUpperTail(Math.abs(z))) }
}

/** P(Z > x) for a standard normal, x ≥ 0 (Abramowitz & Stegun 26.2.17, error below 7.5e-8). */
function standardNormalUpperTail(x: number): number {
  const t = 1 / (1 + 0.2316419 * x)
  const density = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)
  return density * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
}
