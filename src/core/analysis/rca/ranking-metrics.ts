/** Whether `truth` is among the first `k` entries of `ranked`. */
export function inTopK(ranked: readonly string[], truth: string, k: number): boolean {
  return ranked.slice(0, k).includes(truth)
}

export interface CalibrationBin {
  from: number
  to: number
  count: number
  meanConfidence: number
  accuracy: number
}

/**
 * Expected calibration error over equal-width confidence bins: the gap between stated
 * confidence and observed accuracy, weighted by how many predictions fall in each bin.
 */
export function expectedCalibrationError(
  predictions: ReadonlyArray<{ confidence: number; correct: boolean }>,
  bins = 10,
): { ece: number; bins: CalibrationBin[] } {
  const out: CalibrationBin[] = Array.from({ length: bins }, (_, i) => ({ from: i / bins, to: (i + 1) / bins, count: 0, meanConfidence: 0, accuracy: 0 }))
  for (const p of predictions) {
    const c = Math.min(1, Math.max(0, Number.isFinite(p.confidence) ? p.confidence : 0))
    const bin = out[Math.min(bins - 1, Math.floor(c * bins))]!
    bin.count++
    bin.meanConfidence += c
    bin.accuracy += p.correct ? 1 : 0
  }
  let ece = 0
  for (const b of out) {
    if (b.count === 0) continue
    b.meanConfidence /= b.count
    b.accuracy /= b.count
    ece += (b.count / predictions.length) * Math.abs(b.accuracy - b.meanConfidence)
  }
  return { ece, bins: out }
}
