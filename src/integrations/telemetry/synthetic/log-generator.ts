import { MINUTE_MS } from '../../../core/durations'
import type { FleetService } from './fleet'
import type { FleetTopology } from './fleet-topology'
import type { ResolvedInjection } from './injection'
import type { FleetMetricReader, LogLineDraft, MinuteLogContext } from './injection-behaviour'
import { INJECTION_BEHAVIOURS } from './injection-behaviours'
import { SEVERITY_RANK, type SyntheticLogLine } from './log-line'
import { BACKGROUND_LOGS, EMPTY_CATALOG } from './background-log-lines'
import { trafficFactor } from './seasonality'
import { SeededRandom } from './seeded-random'
import { hashString } from './stable-hash'
import { sampledTrace, TRACES_PER_MINUTE } from './trace-sampling'

/** Independent random streams, so skipping INFO lines never changes the ERROR lines. */
const STREAM = { info: 1, debug: 2, rare: 3, timeouts: 4, injection: 100 } as const
/** Timeout lines per minute when every call to a dependency hits its deadline (a rate-limited logger). */
const TIMEOUT_LINES_AT_FULL = 40

/**
 * Log lines of one service for one minute, a pure function of (seed, service, minute):
 * background lines at a rate that follows traffic, deadline lines when a dependency is
 * slow enough, and whatever the active injections write.
 */
export class FleetLogGenerator {
  private readonly serviceHashes = new Map<string, number>()

  constructor(
    private readonly seed: number,
    private readonly topology: FleetTopology,
    private readonly metrics: FleetMetricReader,
    private readonly injections: readonly ResolvedInjection[],
  ) {
    for (const service of topology.services) this.serviceHashes.set(service.name, hashString(service.name))
  }

  /** Lines of `service` in the minute `minute` (epoch minutes), oldest first, at or above `minSeverityRank`. */
  minute(serviceName: string, minute: number, minSeverityRank = 0): SyntheticLogLine[] {
    const service = this.topology.getOrThrow(serviceName)
    const serviceHash = this.serviceHashes.get(serviceName) ?? 0
    const minuteStartMs = minute * MINUTE_MS
    const lines: SyntheticLogLine[] = []
    const traceIds = Array.from({ length: TRACES_PER_MINUTE }, (_, k) => sampledTrace(this.seed, serviceHash, minute, k).traceId)
    const context = (stream: number, streamKey = 0): MinuteLogContext => {
      const random = new SeededRandom(this.seed, serviceHash, minute, stream, streamKey)
      const push = (line: LogLineDraft & { atMs?: number }) => {
        // Draw the instant before filtering, so a severity filter never shifts later lines.
        const atMs = line.atMs ?? minuteStartMs + random.int(0, MINUTE_MS - 1)
        if (SEVERITY_RANK[line.severity] < minSeverityRank) return
        if (atMs < minuteStartMs || atMs >= minuteStartMs + MINUTE_MS) return
        lines.push({ ...line, atMs })
      }
      return {
        service,
        minuteStartMs,
        random,
        topology: this.topology,
        metrics: this.metrics,
        emit: push,
        emitAtRate(perMinuteAtFull, intensityAt, build) {
          // Thinning: candidates at the full rate, each kept with the intensity at its own instant.
          const candidates = random.poisson(perMinuteAtFull)
          for (let i = 0; i < candidates; i++) {
            const atMs = minuteStartMs + random.int(0, MINUTE_MS - 1)
            const intensity = intensityAt(atMs)
            if (intensity <= 0 || random.next() >= intensity) continue
            push({ ...build(atMs, intensity), atMs })
          }
        },
        sampledTraceId: () => random.pick(traceIds),
      }
    }

    this.background(service, minuteStartMs, minSeverityRank, context, traceIds)
    this.deadlines(service, minuteStartMs, context(STREAM.timeouts))
    this.injections.forEach((injection, index) => {
      INJECTION_BEHAVIOURS[injection.kind].emitLogs(injection, context(STREAM.injection + index, injection.key))
    })
    return lines.sort((a, b) => a.atMs - b.atMs)
  }

  private background(
    service: FleetService,
    minuteStartMs: number,
    minSeverityRank: number,
    context: (stream: number) => MinuteLogContext,
    traceIds: string[],
  ): void {
    const catalog = BACKGROUND_LOGS[service.name] ?? EMPTY_CATALOG
    const traffic = trafficFactor(minuteStartMs + MINUTE_MS / 2)
    if (minSeverityRank <= SEVERITY_RANK.INFO && catalog.info.length) {
      const ctx = context(STREAM.info)
      const count = ctx.random.poisson(service.logLinesPerMinute * traffic)
      for (let i = 0; i < count; i++) {
        const message = ctx.random.pick(catalog.info)(ctx.random)
        // The first lines of the minute belong to the requests the trace sampler kept.
        ctx.emit({ severity: 'INFO', message, traceId: traceIds[i] ?? ctx.random.hex(32) })
      }
    }
    if (minSeverityRank <= SEVERITY_RANK.DEBUG && catalog.debug.length) {
      const ctx = context(STREAM.debug)
      const count = ctx.random.poisson(0.3 * service.logLinesPerMinute * traffic)
      for (let i = 0; i < count; i++) ctx.emit({ severity: 'DEBUG', message: ctx.random.pick(catalog.debug)(ctx.random) })
    }
    const rare = context(STREAM.rare)
    const warnings = rare.random.poisson(0.06 * traffic)
    const errors = rare.random.poisson(0.02 * traffic)
    for (let i = 0; i < warnings && catalog.warning.length; i++) {
      rare.emit({ severity: 'WARNING', message: rare.random.pick(catalog.warning)(rare.random) })
    }
    for (let i = 0; i < errors && catalog.error.length; i++) {
      const known = rare.random.pick(catalog.error)
      rare.emit({ severity: 'ERROR', message: known.line(rare.random), traceId: rare.random.hex(32), errorGroup: { key: known.key, message: known.group } })
    }
  }

  /** A caller logs each call that hits its deadline, naming the dependency. */
  private deadlines(service: FleetService, minuteStartMs: number, ctx: MinuteLogContext): void {
    if (!this.injections.length) return
    const { random } = ctx
    for (const call of this.topology.syncCalls(service.name)) {
      if (call.protocol === 'sql') continue
      const share = (atMs: number) => this.metrics.timeoutErrorShare(service.name, call, atMs)
      if (share(minuteStartMs) <= 0 && share(minuteStartMs + MINUTE_MS - 1) <= 0) continue
      ctx.emitAtRate(TIMEOUT_LINES_AT_FULL, share, () => {
        const attempt = random.chance(0.6) ? '2/2' : '1/2'
        const message =
          call.protocol === 'grpc'
            ? `rpc error calling ${call.to} ${call.operation}: code = DeadlineExceeded desc = context deadline exceeded ` +
              `after ${call.timeoutMs}ms (attempt ${attempt}) request_id=${random.hex(16)}`
            : call.protocol === 'pubsub'
              ? `publish to ${call.to} (${call.operation}) failed: DEADLINE_EXCEEDED after ${call.timeoutMs}ms; message will be retried`
              : `upstream request timeout: ${call.operation} on ${call.to} timed out after ${call.timeoutMs}ms ` +
                `(attempt ${attempt}) request_id=${random.hex(16)}`
        return {
          severity: 'ERROR',
          message,
          traceId: ctx.sampledTraceId(),
          errorGroup: {
            key: `deadline:${call.to}`,
            message: `UpstreamTimeoutError: call to ${call.to} (${call.operation}) exceeded its ${call.timeoutMs}ms deadline`,
          },
        }
      })
    }
  }
}
