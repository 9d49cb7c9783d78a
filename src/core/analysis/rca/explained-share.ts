import type { LatencyStatistic, RcaSignal } from './rca-types'
import type { TrackedPoint } from './signal-track'

/**
 * The share of a caller's deviation that one of its dependencies' deviation can account
 * for, in [0, 1]. Compared in quantities that propagate along a call:
 * - errors: failed requests above baseline (a dependency's failures bound the caller's);
 * - mean latency: extra time spent, change x requests (so a dependency called once cannot
 *   explain a busy caller's slowdown);
 * - quantile latency (p95): the change, but only if the dependency serves more than
 *   1 - q of the caller's requests, since fewer cannot move the caller's quantile.
 * Without request counts, plain changes are compared.
 */
export function explainedShare(dependency: TrackedPoint, caller: TrackedPoint, signal: RcaSignal, statistic: LatencyStatistic): number {
  const { ratio, reach } = propagation(dependency, caller, signal, statistic)
  return clamp01(ratio) * reach
}

/**
 * The dependency's deviation as it would show in the caller, relative to the caller's
 * own deviation (`ratio`, unclamped), and the fraction of it that can reach the caller's
 * statistic (`reach`, in [0, 1]). Their product, unclamped, ranks dependencies by impact
 * when the caller's own deviation is too small to measure against.
 */
export function propagation(dependency: TrackedPoint, caller: TrackedPoint, signal: RcaSignal, statistic: LatencyStatistic): { ratio: number; reach: number } {
  if (signal === 'errors' && dependency.excessErrors !== undefined && caller.excessErrors !== undefined) {
    return caller.excessErrors > 0 ? { ratio: dependency.excessErrors / caller.excessErrors, reach: 1 } : { ratio: 0, reach: 0 }
  }
  if (!(caller.change > 0)) return { ratio: 0, reach: 0 }
  const ratio = dependency.change / caller.change
  if (signal !== 'latency' || dependency.requests === undefined || caller.requests === undefined || !(caller.requests > 0)) return { ratio, reach: 1 }
  const served = dependency.requests / caller.requests
  if (statistic.kind === 'mean') return { ratio: ratio * served, reach: 1 }
  return { ratio, reach: clamp01(served / Math.max(1 - statistic.q, 1e-6)) }
}

export function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0
}
