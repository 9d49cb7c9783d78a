/** NAB's final score: the null detector maps to 0 and a perfect detector (every window caught at its left edge) to 100. */
export function normalizeNabScore(raw: number, nullRaw: number, perfectRaw: number): number {
  return (100 * (raw - nullRaw)) / (perfectRaw - nullRaw)
}
