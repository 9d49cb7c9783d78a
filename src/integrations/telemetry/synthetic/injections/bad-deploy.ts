import { MINUTE_MS } from '../../../../core/durations'
import type { ResolvedInjection } from '../injection'
import type { InjectedChange, InjectionBehaviour } from '../injection-behaviour'
import { injectionIntensity } from '../injection-intensity'
import { SeededRandom } from '../seeded-random'

/** Errors start once the new revision takes traffic, a few seconds after the deploy line. */
const SHAPE = { rampMs: 45_000, recoveryMs: 60_000, lagMs: 20_000 }

/** The pipeline's service account, as a deploy tool would be named in an audit log. */
const DEPLOYER = 'deploy-bot@shop-prod.iam.gserviceaccount.com'

/** What broke in this release, picked per injection so two bad deploys differ. */
const DEFECTS = [
  { field: 'currency', frame: 'normalizeAmount (/app/dist/payments/amount.js:41:23)' },
  { field: 'id', frame: 'mapLineItems (/app/dist/orders/line-items.js:88:17)' },
  { field: 'region', frame: 'resolveTaxRegion (/app/dist/tax/region.js:19:31)' },
  { field: 'length', frame: 'applyPromotions (/app/dist/promotions/apply.js:57:9)' },
] as const

function releaseOf(injection: ResolvedInjection) {
  const random = new SeededRandom(injection.key, 11)
  const number = random.int(30, 180)
  const name = (n: number) => `${injection.service}-${String(n).padStart(5, '0')}-${random.token(3)}`
  return { previous: name(number), current: name(number + 1), digest: random.hex(64), defect: random.pick(DEFECTS) }
}

/**
 * A new revision goes out and its error rate steps up at once: 500s from an unhandled
 * TypeError. Rolling back (the injection's `end`) brings the old revision back.
 */
export const badDeploy: InjectionBehaviour = {
  resolveTarget(injection, topology) {
    topology.getOrThrow(injection.service)
    return injection.service
  },

  applyEffect(injection, service, atMs, effect) {
    if (service !== injection.target) return
    const e = injectionIntensity(injection, atMs, SHAPE)
    effect.errorRateExtra += 0.12 * e
    effect.latencyExtraMs += 60 * e
    effect.cpuExtra += 0.03 * e
  },

  changes(injection) {
    const release = releaseOf(injection)
    const changes: InjectedChange[] = [
      {
        atMs: injection.startMs,
        kind: 'deploy',
        description: `Deployed revision ${release.current} of ${injection.service} to production (previous ${release.previous})`,
        actor: DEPLOYER,
      },
    ]
    if (injection.endMs !== null) {
      changes.push({
        atMs: injection.endMs,
        kind: 'rollback',
        description: `Rolled ${injection.service} back to revision ${release.previous} (from ${release.current})`,
        actor: DEPLOYER,
      })
    }
    return changes
  },

  emitLogs(injection, ctx) {
    if (ctx.service.name !== injection.target) return
    const { random } = ctx
    const release = releaseOf(injection)
    const minuteEnd = ctx.minuteStartMs + MINUTE_MS
    const image = `europe-west1-docker.pkg.dev/shop-prod/services/${injection.service}@sha256:${release.digest}`
    if (injection.startMs >= ctx.minuteStartMs && injection.startMs < minuteEnd) {
      ctx.emit({
        atMs: injection.startMs,
        severity: 'INFO',
        message: `Deployed revision ${release.current} (image ${image}) to production; traffic 100% → ${release.current}, previous ${release.previous}`,
      })
    }
    if (injection.endMs !== null && injection.endMs >= ctx.minuteStartMs && injection.endMs < minuteEnd) {
      ctx.emit({
        atMs: injection.endMs,
        severity: 'INFO',
        message: `Deployed revision ${release.previous} (rollback from ${release.current}); traffic 100% → ${release.previous}`,
      })
    }
    const failing = (at: number) => injectionIntensity(injection, at, SHAPE)
    const { field, frame } = release.defect
    ctx.emitAtRate(24, failing, () => ({
      severity: 'ERROR',
      message:
        `${ctx.service.spanName} 500 ${random.int(8, 90)}ms request_id=${random.hex(16)} revision=${release.current}: ` +
        `TypeError: Cannot read properties of undefined (reading '${field}') at ${frame}`,
      traceId: ctx.sampledTraceId(),
      errorGroup: { key: `deploy-typeerror-${field}`, message: `TypeError: Cannot read properties of undefined (reading '${field}') at ${frame}` },
    }))
    ctx.emitAtRate(5, failing, () => ({
      severity: 'ERROR',
      message: `Unhandled promise rejection in ${ctx.service.spanName}: InvalidArgumentError: ${field} must be set (got undefined) revision=${release.current}`,
      errorGroup: { key: `deploy-unhandled-${field}`, message: `Unhandled promise rejection: InvalidArgumentError: ${field} must be set (got undefined)` },
    }))
  },
}
