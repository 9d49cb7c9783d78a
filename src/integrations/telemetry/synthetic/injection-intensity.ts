import type { ResolvedInjection } from './injection'

/**
 * How strongly an injection acts at `atMs`, in [0, 1]: 0 before its start (shifted by
 * `lagMs`), rising smoothly over `rampMs`, then falling over `recoveryMs` after its end.
 */
export function injectionIntensity(injection: ResolvedInjection, atMs: number, shape: { rampMs: number; recoveryMs: number; lagMs?: number }): number {
  const lag = shape.lagMs ?? 0
  const since = atMs - injection.startMs - lag
  if (since < 0) return 0
  const up = smoothstep(shape.rampMs > 0 ? since / shape.rampMs : 1)
  if (injection.endMs === null) return up
  const after = atMs - injection.endMs - lag
  if (after <= 0) return up
  const down = 1 - smoothstep(shape.recoveryMs > 0 ? after / shape.recoveryMs : 1)
  return Math.min(up, down)
}

export function smoothstep(x: number): number {
  const t = Math.min(1, Math.max(0, x))
  return t * t * (3 - 2 * t)
}

export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x))
}
