/** Deterministic test series: 5-minute points from 2024-01-01T00:00Z, 288 per day. */
export const START = Date.UTC(2024, 0, 1)
export const STEP_MS = 5 * 60_000
export const POINTS_PER_DAY = 288

/** mulberry32: a small seeded generator, so every run sees the same noise. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

/** A daily sine around 100 with amplitude 20, plus Gaussian noise of the given standard deviation. */
export function dailySine(days: number, noise = 0, seed = 2): number[] {
  const random = seededRandom(seed)
  return Array.from(
    { length: days * POINTS_PER_DAY },
    (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / POINTS_PER_DAY) + (noise ? noise * gaussian(random) : 0),
  )
}

export function timestampOf(index: number): Date {
  return new Date(START + index * STEP_MS)
}
