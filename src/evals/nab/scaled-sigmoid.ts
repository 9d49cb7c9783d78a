/**
 * NAB's reward curve over a relative position: -1 is a window's left edge (≈ +0.987),
 * 0 its right edge (0), positive values lie past the window (down to -1 from 3 on).
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3) return -1
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1
}
