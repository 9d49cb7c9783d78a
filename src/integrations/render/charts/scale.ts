/** Ticks of an axis: round numbers a reader can interpolate between, covering the data. */
export interface NiceTicks {
  min: number
  max: number
  step: number
  ticks: number[]
}

/**
 * Ticks for [min, max]: the step is the smallest 1, 2 or 5 × 10^k that splits the range into at most
 * `maxIntervals` parts (at least 1 with `integer`, for counts), and the axis is widened outwards to whole steps.
 * An empty range (max ≤ min) is widened to [min, min + 1] so a chart of zeros still has an axis.
 */
export function niceTicks(min: number, max: number, maxIntervals = 5, options: { integer?: boolean } = {}): NiceTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`niceTicks needs finite bounds, got ${min} and ${max}`)
  const hi0 = max > min ? max : min + 1
  const rough = (hi0 - min) / Math.max(1, maxIntervals)
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const multiple = [1, 2, 5, 10].find((m) => m * magnitude >= rough * (1 - 1e-9)) ?? 10
  let step = multiple * magnitude
  if (options.integer) step = Math.max(1, Math.round(step))
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  const fix = (v: number) => Number(v.toFixed(decimals))
  const lo = fix(Math.floor(min / step + 1e-9) * step)
  const hi = fix(Math.ceil(hi0 / step - 1e-9) * step)
  const ticks: number[] = []
  for (let i = 0; lo + i * step <= hi + step / 2; i++) ticks.push(fix(lo + i * step))
  return { min: lo, max: hi, step: fix(step), ticks }
}

/** A linear map from data to pixels (range may be reversed, as for a y axis that grows upwards). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain
  const [r0, r1] = range
  const span = d1 - d0 || 1
  return (value) => r0 + ((value - d0) / span) * (r1 - r0)
}

/** Equal bands for categories along an axis, with `padding` (a fraction of a band) left empty between them. */
export function bandScale(
  count: number,
  range: readonly [number, number],
  padding = 0.2,
): { band: number; start: (i: number) => number; center: (i: number) => number } {
  const [r0, r1] = range
  const step = (r1 - r0) / Math.max(1, count)
  const band = step * (1 - padding)
  const start = (i: number) => r0 + i * step + (step - band) / 2
  return { band, start, center: (i) => start(i) + band / 2 }
}
