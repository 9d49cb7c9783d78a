import { MINUTE_MS } from '../../../../core/durations'
import type { InjectionBehaviour } from '../injection-behaviour'
import { injectionIntensity } from '../injection-intensity'
import { InvalidInjectionError } from '../invalid-injection-error'

/** How much slower the dependency gets at full intensity. */
const ADDED_LATENCY_MS = 3_200
const SHAPE = { rampMs: 5 * MINUTE_MS, recoveryMs: 3 * MINUTE_MS }
/** The caller notices a little after the dependency does (p95 is computed over a minute). */
const CALLER_SHAPE = { ...SHAPE, lagMs: MINUTE_MS }

/**
 * The dependency slows down (a hot table behind it, a saturated worker pool); the
 * caller's requests then wait until its client deadline and time out. The callers'
 * timeout lines come from the metric model's deadline share, shared with every call.
 */
export const slowDependency: InjectionBehaviour = {
  resolveTarget(injection, topology) {
    const calls = topology.syncCalls(injection.service)
    const dependency = injection.dependency ?? calls[0]?.to
    if (!dependency) throw new InvalidInjectionError(`slow-dependency: ${injection.service} calls no other service`)
    if (!calls.some((c) => c.to === dependency)) {
      throw new InvalidInjectionError(
        `slow-dependency: ${injection.service} does not call ${dependency} (it calls ${calls.map((c) => c.to).join(', ') || 'nothing'})`,
      )
    }
    return dependency
  },

  applyEffect(injection, service, atMs, effect) {
    if (service === injection.target) {
      const e = injectionIntensity(injection, atMs, SHAPE)
      effect.latencyExtraMs += ADDED_LATENCY_MS * e
      // Clients retry, so the slow service also sees more traffic.
      effect.requestRateFactor *= 1 + 0.3 * e
      effect.cpuExtra += 0.3 * e
      effect.errorRateExtra += 0.004 * e
    } else if (service === injection.service) {
      effect.cpuExtra += 0.05 * injectionIntensity(injection, atMs, CALLER_SHAPE)
    }
  },

  emitLogs(injection, ctx) {
    const { random } = ctx
    if (ctx.service.name === injection.target) {
      const intensity = (at: number) => {
        const e = injectionIntensity(injection, at, SHAPE)
        return e > 0.15 ? e : 0
      }
      ctx.emitAtRate(6, intensity, (_at, e) => {
        const took = Math.round((ctx.service.selfLatencyP95Ms + ADDED_LATENCY_MS * e) * random.between(0.7, 1.15))
        return {
          severity: 'WARNING',
          message: `slow request: ${ctx.service.spanName} took ${took}ms (budget 250ms) request_id=${random.hex(16)} upstream=${injection.service}`,
          traceId: ctx.sampledTraceId(),
        }
      })
      ctx.emitAtRate(
        1,
        (at) => (injectionIntensity(injection, at, SHAPE) > 0.6 ? 0.8 : 0),
        () => ({
          severity: 'WARNING',
          message:
            `worker pool saturated: ${random.int(62, 64)}/64 workers busy, ` +
            `${random.int(40, 400)} requests queued (oldest ${(random.between(1.5, 4.5)).toFixed(1)}s)`,
        }),
      )
    } else if (ctx.service.name === injection.service) {
      ctx.emitAtRate(
        2,
        (at) => (injectionIntensity(injection, at, CALLER_SHAPE) > 0.3 ? 1 : 0),
        () => ({
          severity: 'WARNING',
          message:
            `retrying call to ${injection.target} (attempt 2/2) request_id=${random.hex(16)}; ` +
            `circuit breaker ${ctx.service.name}->${injection.target} is disabled, no fallback configured`,
          traceId: ctx.sampledTraceId(),
        }),
      )
    }
  },
}
