import { MINUTE_MS } from '../../../../core/durations'
import type { InjectionBehaviour } from '../injection-behaviour'
import { injectionIntensity } from '../injection-intensity'
import { InvalidInjectionError } from '../invalid-injection-error'

const SHAPE = { rampMs: 3 * MINUTE_MS, recoveryMs: 4 * MINUTE_MS }
/** Callers queue for a connection a moment after the server stops handing them out. */
const CALLER_SHAPE = { ...SHAPE, lagMs: 30_000 }
const POOL_SIZE = 50
const ACQUIRE_TIMEOUT_MS = 5_000

/**
 * A database runs out of connection slots (sessions left idle in transaction hold them):
 * its connection count pins at the maximum, callers wait on their pools until the
 * acquire deadline, and both sides log it.
 */
export const connectionPoolExhaustion: InjectionBehaviour = {
  resolveTarget(injection, topology) {
    const isDatabase = (name: string) => topology.getOrThrow(name).baselines.db_connections_used_ratio !== undefined
    if (isDatabase(injection.service)) return injection.service
    if (injection.dependency && isDatabase(injection.dependency) && topology.syncCalls(injection.service).some((c) => c.to === injection.dependency)) {
      return injection.dependency
    }
    throw new InvalidInjectionError(`connection-pool-exhaustion: ${injection.service} is not a database and names no database it calls`)
  },

  applyEffect(injection, service, atMs, effect, topology) {
    if (service === injection.target) {
      const e = injectionIntensity(injection, atMs, SHAPE)
      effect.levels.db_connections_used_ratio = { level: 0.99, weight: e }
      effect.latencyExtraMs += 70 * e
      effect.errorRateExtra += 0.03 * e
      effect.cpuExtra += 0.22 * e
      return
    }
    if (!topology.syncCalls(service).some((c) => c.to === injection.target)) return
    const e = injectionIntensity(injection, atMs, CALLER_SHAPE)
    effect.waits.push({ on: injection.target, ms: (ACQUIRE_TIMEOUT_MS - 300) * e })
    effect.errorRateExtra += 0.14 * e
    effect.cpuExtra += 0.04 * e
  },

  emitLogs(injection, ctx) {
    const { random } = ctx
    const database = injection.target.replace(/-db$/, '')
    if (ctx.service.name === injection.target) {
      const saturated = (at: number) => {
        const e = injectionIntensity(injection, at, SHAPE)
        return e > 0.5 ? e : 0
      }
      ctx.emitAtRate(10, saturated, () => ({
        severity: 'ERROR',
        message:
          `[${random.int(20_000, 65_000)}]: [1-1] db=${database},user=${database}_app FATAL:  ` +
          'remaining connection slots are reserved for non-replication superuser connections',
        errorGroup: { key: 'pg-connection-slots', message: 'FATAL: remaining connection slots are reserved for non-replication superuser connections' },
      }))
      const callers = ctx.topology.callersOf(injection.target).map((s) => s.name)
      ctx.emitAtRate(2, saturated, () => ({
        severity: 'WARNING',
        message:
          `session watchdog: pid=${random.int(20_000, 65_000)} user=${database}_app ` +
          `application_name=${callers.length ? random.pick(callers) : 'psql'} state="idle in transaction" ` +
          `for ${random.int(180, 1_400)}s holding ${random.int(1, 6)} locks; last query: SELECT ... FROM orders WHERE id = $1 FOR UPDATE`,
      }))
      return
    }
    if (!ctx.topology.syncCalls(ctx.service.name).some((c) => c.to === injection.target)) return
    const waiting = (at: number) => {
      const e = injectionIntensity(injection, at, CALLER_SHAPE)
      return e > 0.3 ? e : 0
    }
    ctx.emitAtRate(18, waiting, () => ({
      severity: 'ERROR',
      message:
        `timeout acquiring connection from pool after ${ACQUIRE_TIMEOUT_MS}ms ` +
        `(pool=${injection.target} active=${POOL_SIZE} idle=0 waiting=${random.int(12, 90)}) request_id=${random.hex(16)}`,
      traceId: ctx.sampledTraceId(),
      errorGroup: { key: `pool-acquire-timeout:${injection.target}`, message: `TimeoutError: timeout acquiring connection from pool ${injection.target}` },
    }))
    ctx.emitAtRate(4, waiting, () => ({
      severity: 'ERROR',
      message:
        'error: remaining connection slots are reserved for non-replication superuser connections ' +
        `(host=10.20.0.3 port=5432 db=${database}) while opening a new connection for pool ${injection.target}`,
      errorGroup: {
        key: `pg-connection-slots:${injection.target}`,
        message: 'error: remaining connection slots are reserved for non-replication superuser connections',
      },
    }))
    ctx.emitAtRate(
      1,
      (at) => (waiting(at) > 0 ? 0.9 : 0),
      () => ({
        severity: 'WARNING',
        message:
          `connection pool ${injection.target} saturated: ${POOL_SIZE}/${POOL_SIZE} in use, ` +
          `${random.int(20, 120)} requests waiting, mean wait ${random.int(2_400, 4_900)}ms`,
      }),
    )
  },
}
