import type { RcaPoint } from './rca-types'

export interface CleanedSeries {
  points: RcaPoint[]
  droppedNonFinite: number
  mergedDuplicates: number
}

/**
 * Points sorted by time with non-finite times or values dropped and points sharing a
 * timestamp averaged into one, so later steps can rely on strictly increasing times.
 */
export function cleanSeries(points: readonly RcaPoint[]): CleanedSeries {
  let droppedNonFinite = 0
  const finite: RcaPoint[] = []
  for (const p of points) {
    if (Number.isFinite(p.at) && Number.isFinite(p.value)) finite.push({ at: p.at, value: p.value })
    else droppedNonFinite++
  }
  finite.sort((a, b) => a.at - b.at)
  const merged: RcaPoint[] = []
  let mergedDuplicates = 0
  let run = 1
  for (const p of finite) {
    const last = merged[merged.length - 1]
    if (last && last.at === p.at) {
      // Running mean over the points that share this timestamp.
      run++
      last.value += (p.value - last.value) / run
      mergedDuplicates++
    } else {
      merged.push(p)
      run = 1
    }
  }
  return { points: merged, droppedNonFinite, mergedDuplicates }
}

/** The most common spacing between consecutive points (the median gap), or null with fewer than two points. */
export function typicalStep(points: readonly RcaPoint[]): number | null {
  if (points.length < 2) return null
  const gaps: number[] = []
  for (let i = 1; i < points.length; i++) gaps.push(points[i]!.at - points[i - 1]!.at)
  return median(gaps)
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Median absolute deviation scaled to estimate a standard deviation under normal noise. */
export function robustSpread(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const m = median(values)
  return 1.4826 * median(values.map((v) => Math.abs(v - m)))
}
