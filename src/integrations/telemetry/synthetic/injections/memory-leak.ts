import { MINUTE_MS } from '../../../../core/durations'
import type { ResolvedInjection } from '../injection'
import type { InjectedChange, InjectionBehaviour } from '../injection-behaviour'
import { clamp01 } from '../injection-intensity'
import { InvalidInjectionError } from '../invalid-injection-error'
import { SeededRandom } from '../seeded-random'

/** From a fresh start to the memory limit. */
const CYCLE_MS = 34 * MINUTE_MS
/** In-flight requests fail and traffic dips while the container restarts. */
const RESTART_DISRUPTION_MS = MINUTE_MS

interface LeakPhase {
  /** Memory used as a share of the limit. */
  level: number
  /** Restarts so far (OOM kills). */
  restarts: number
  msSinceRestart: number
}

function leakPhase(injection: ResolvedInjection, atMs: number, baseline: number): LeakPhase | null {
  if (atMs < injection.startMs) return null
  // The fix rolls out at `end`: fresh containers without the leak.
  if (injection.endMs !== null && atMs >= injection.endMs) return null
  const elapsed = atMs - injection.startMs
  const restarts = Math.floor(elapsed / CYCLE_MS)
  const msSinceRestart = elapsed - restarts * CYCLE_MS
  const level = baseline + (0.995 - baseline) * (msSinceRestart / CYCLE_MS) ** 1.15
  return { level, restarts, msSinceRestart }
}

/**
 * Memory climbs steadily until the container hits its limit and is OOMKilled; it
 * restarts and the climb begins again. GC thrash near the limit slows requests.
 */
export const memoryLeak: InjectionBehaviour = {
  resolveTarget(injection, topology) {
    const service = topology.getOrThrow(injection.service)
    if (service.baselines.memory_utilization === undefined) throw new InvalidInjectionError(`memory-leak: ${injection.service} exports no memory metric`)
    return injection.service
  },

  applyEffect(injection, service, atMs, effect, topology) {
    if (service !== injection.target) return
    const phase = leakPhase(injection, atMs, topology.getOrThrow(service).baselines.memory_utilization ?? 0.5)
    if (!phase) return
    effect.levels.memory_utilization = { level: phase.level, weight: 1 }
    const pressure = clamp01((phase.level - 0.8) / 0.2)
    effect.latencyExtraMs += 900 * pressure * pressure
    effect.cpuExtra += 0.35 * pressure
    if (phase.restarts > 0 && phase.msSinceRestart < RESTART_DISRUPTION_MS) {
      effect.errorRateExtra += 0.2
      effect.requestRateFactor *= 0.7
    }
  },

  /** The release that brought the leak in, minutes before memory starts to climb, and the fix rolled out at `end`. */
  changes(injection) {
    const random = new SeededRandom(injection.key, 23)
    const release = random.int(100, 400)
    const name = (n: number) => `${injection.service}-${String(n).padStart(5, '0')}-${random.token(3)}`
    const leaking = name(release)
    const changes: InjectedChange[] = [
      {
        atMs: injection.startMs - random.int(3, 12) * MINUTE_MS,
        kind: 'deploy',
        description: `Deployed revision ${leaking} of ${injection.service} to production`,
        actor: 'deploy-bot@shop-prod.iam.gserviceaccount.com',
      },
    ]
    if (injection.endMs !== null) {
      changes.push({
        atMs: injection.endMs,
        kind: 'deploy',
        description: `Deployed revision ${name(release + 1)} of ${injection.service} (fix for the leak of ${leaking})`,
        actor: 'deploy-bot@shop-prod.iam.gserviceaccount.com',
      })
    }
    return changes
  },

  emitLogs(injection, ctx) {
    if (ctx.service.name !== injection.target) return
    const { random, service } = ctx
    const limitGiB = service.memoryLimitGiB ?? 1
    const baseline = service.baselines.memory_utilization ?? 0.5
    const pods = new SeededRandom(injection.key, 7)
    const podPrefix = `${service.name}-${pods.hex(9)}-`

    const phase = leakPhase(injection, ctx.minuteStartMs + 30_000, baseline)
    if (phase && phase.level > 0.85) {
      ctx.emit({
        severity: 'WARNING',
        message:
          `heap used ${(phase.level * limitGiB).toFixed(2)}GiB of ${limitGiB}GiB memory limit (${Math.round(phase.level * 100)}%); ` +
          `last major GC ${random.int(300, 1_900)}ms, reclaimed ${random.int(1, 4)}%`,
      })
    }

    // OOM kills happen at fixed instants; this minute reports the ones that fall inside it.
    const firstKill = Math.max(1, Math.ceil((ctx.minuteStartMs - injection.startMs) / CYCLE_MS))
    for (let k = firstKill; ; k++) {
      const killAt = injection.startMs + k * CYCLE_MS
      if (killAt >= ctx.minuteStartMs + MINUTE_MS) break
      if (injection.endMs !== null && killAt >= injection.endMs) break
      const pod = podPrefix + new SeededRandom(injection.key, k).token(5)
      ctx.emit({
        atMs: killAt - 4_000,
        severity: 'ERROR',
        message: `FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory (pod ${pod})`,
        errorGroup: { key: 'heap-out-of-memory', message: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' },
      })
      ctx.emit({
        atMs: killAt,
        severity: 'CRITICAL',
        message: `Container ${service.name} in pod ${pod} was OOMKilled (exit code 137, memory limit ${limitGiB}Gi); restart count ${k}`,
        errorGroup: { key: 'oom-killed', message: `Container ${service.name} OOMKilled (exit code 137)` },
      })
      ctx.emit({ atMs: killAt + 18_000, severity: 'INFO', message: `Started container ${service.name} in pod ${pod} (restart count ${k})` })
      if (k >= 3) {
        ctx.emit({ atMs: killAt + 2_000, severity: 'WARNING', message: `Back-off restarting failed container ${service.name} in pod ${pod}` })
      }
    }
  },
}
