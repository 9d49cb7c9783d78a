import type { MetricKind } from '../../../core/telemetry/port'
import type { FleetService, ServiceCall } from './fleet'
import type { FleetTopology } from './fleet-topology'
import type { ResolvedInjection, SyntheticIncidentInjection } from './injection'
import type { SyntheticLogLine } from './log-line'
import type { SeededRandom } from './seeded-random'

/** What injections do to one service at one instant, before the call graph spreads it. */
export interface MetricEffect {
  /** Time added inside the service itself. */
  latencyExtraMs: number
  /** Time spent waiting for a dependency outside that dependency's own latency (a pool). */
  waits: Array<{ on: string; ms: number }>
  errorRateExtra: number
  requestRateFactor: number
  cpuExtra: number
  /** Pulls a saturation metric toward `level`; `weight` 1 replaces the normal value. */
  levels: Partial<Record<MetricKind, { level: number; weight: number }>>
}

export function emptyEffect(): MetricEffect {
  return { latencyExtraMs: 0, waits: [], errorRateExtra: 0, requestRateFactor: 1, cpuExtra: 0, levels: {} }
}

/** The parts of the metric model log lines quote, so logs and charts tell the same story. */
export interface FleetMetricReader {
  value(service: string, metric: MetricKind, atMs: number): number
  /** Share of the caller's requests that hit the call's deadline at `atMs`, in [0, 1]. */
  timeoutErrorShare(caller: string, call: ServiceCall, atMs: number): number
}

export type LogLineDraft = Omit<SyntheticLogLine, 'atMs'>

export interface MinuteLogContext {
  service: FleetService
  minuteStartMs: number
  random: SeededRandom
  topology: FleetTopology
  metrics: FleetMetricReader
  /** Adds one line at `atMs` (a random second of the minute when omitted). */
  emit(line: LogLineDraft & { atMs?: number }): void
  /**
   * Emits about `perMinuteAtFull × intensity` lines, each at a moment where the intensity
   * holds, so no line precedes the cause it reports.
   */
  emitAtRate(perMinuteAtFull: number, intensityAt: (atMs: number) => number, build: (atMs: number, intensity: number) => LogLineDraft): void
  /** Trace id of one of the requests traces() samples in this minute, to link a line to a trace. */
  sampledTraceId(): string
}

/** A rollout the injection's story includes, on the injection's target. */
export interface InjectedChange {
  atMs: number
  kind: 'deploy' | 'rollback' | 'config_change'
  description: string
  actor: string
}

/** One failure mode: how it is validated, what it does to metrics, what it writes to logs. */
export interface InjectionBehaviour {
  /** Returns the service whose own behaviour changes, or throws naming what is wrong. */
  resolveTarget(injection: SyntheticIncidentInjection, topology: FleetTopology): string
  applyEffect(injection: ResolvedInjection, service: string, atMs: number, effect: MetricEffect, topology: FleetTopology): void
  emitLogs(injection: ResolvedInjection, ctx: MinuteLogContext): void
  /** The rollouts its story includes (a bad release and its rollback); none when the story has none. */
  changes?(injection: ResolvedInjection): InjectedChange[]
}
