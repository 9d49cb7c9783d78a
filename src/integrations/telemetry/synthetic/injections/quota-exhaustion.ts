import { MINUTE_MS } from '../../../../core/durations'
import type { InjectionBehaviour } from '../injection-behaviour'
import { clamp01, injectionIntensity } from '../injection-intensity'
import { InvalidInjectionError } from '../invalid-injection-error'
import { SeededRandom } from '../seeded-random'

const SHAPE = { rampMs: 6 * MINUTE_MS, recoveryMs: 5 * MINUTE_MS }

/** Requests start being refused once usage is pinned at the limit. */
function refusedShare(intensity: number): number {
  return clamp01((intensity - 0.8) / 0.2)
}

/**
 * A Google API quota fills up (a batch job sharing the project, a traffic spike) and
 * calls past the limit fail with RESOURCE_EXHAUSTED; clients back off, so latency rises too.
 */
export const quotaExhaustion: InjectionBehaviour = {
  resolveTarget(injection, topology) {
    const service = topology.getOrThrow(injection.service)
    if (!service.quota) throw new InvalidInjectionError(`quota-exhaustion: ${injection.service} uses no Google API quota in this fleet`)
    return injection.service
  },

  applyEffect(injection, service, atMs, effect) {
    if (service !== injection.target) return
    const e = injectionIntensity(injection, atMs, SHAPE)
    effect.levels.quota_used_ratio = { level: 1, weight: e }
    effect.errorRateExtra += 0.22 * refusedShare(e)
    effect.latencyExtraMs += 180 * e
  },

  emitLogs(injection, ctx) {
    const quota = ctx.service.quota
    if (ctx.service.name !== injection.target || !quota) return
    const { random } = ctx
    const projectNumber = new SeededRandom(injection.key, 3).int(100_000_000_000, 999_999_999_999)
    ctx.emitAtRate(
      20,
      (at) => refusedShare(injectionIntensity(injection, at, SHAPE)),
      () => ({
        severity: 'ERROR',
        message:
          `RESOURCE_EXHAUSTED: Quota exceeded for quota metric '${quota.quotaMetric}' and limit '${quota.limitName}' ` +
          `of service '${quota.api}' for consumer 'project_number:${projectNumber}'. request_id=${random.hex(16)}`,
        traceId: ctx.sampledTraceId(),
        errorGroup: {
          key: `quota:${quota.api}`,
          message: `RESOURCE_EXHAUSTED: Quota exceeded for quota metric '${quota.quotaMetric}' of service '${quota.api}'`,
        },
      }),
    )
    ctx.emitAtRate(
      2,
      (at) => (injectionIntensity(injection, at, SHAPE) > 0.5 ? 1 : 0),
      () => ({
        severity: 'WARNING',
        message: `${quota.api} answered 429 Too Many Requests; backing off ${random.int(200, 6_400)}ms (attempt ${random.int(1, 5)}/5)`,
      }),
    )
  },
}
