import { DAY_MS, MINUTE_MS, WEEK_MS } from '../../../core/durations'
import { METRIC_KINDS, type MetricKind } from '../../../core/telemetry/port'
import type { ServiceCall } from './fleet'
import type { FleetTopology } from './fleet-topology'
import type { ResolvedInjection } from './injection'
import { emptyEffect, type FleetMetricReader, type MetricEffect } from './injection-behaviour'
import { INJECTION_BEHAVIOURS } from './injection-behaviours'
import { clamp01 } from './injection-intensity'
import { trafficFactor } from './seasonality'
import { gaussianFromHash, hashInts, hashString, unitFromHash } from './stable-hash'

/** A caller's one-minute p95 reflects its dependency's a minute late. */
const HOP_LAG_MS = MINUTE_MS
/** Knot spacing of the slow wander that keeps series from looking like white noise. */
const DRIFT_KNOT_MS = 20 * MINUTE_MS
/** Share of a dependency's extra errors its caller passes on as its own 5xx. */
const ERROR_PASS_THROUGH = 0.8
/** Share of a caller's requests that fail when a call to its dependency fully times out. */
const TIMEOUT_ERROR_CEILING = 0.1

/**
 * Every metric of every service as a pure function of (seed, service, metric, instant):
 * a baseline shaped by daily and weekly traffic, per-minute noise and a slow drift
 * from hashes, then the injections' effects spread up the call graph.
 */
export class FleetMetricModel implements FleetMetricReader {
  private readonly serviceHashes = new Map<string, number>()

  constructor(
    private readonly seed: number,
    private readonly topology: FleetTopology,
    private readonly injections: readonly ResolvedInjection[],
  ) {
    for (const service of topology.services) this.serviceHashes.set(service.name, hashString(service.name))
  }

  value(service: string, metric: MetricKind, atMs: number): number {
    const definition = this.topology.getOrThrow(service)
    const traffic = trafficFactor(atMs)
    const metricIndex = METRIC_KINDS.indexOf(metric)
    const noise = this.noise(service, metricIndex, atMs, 1)
    const drift = this.drift(service, metricIndex, atMs)
    const effect = this.injections.length ? this.ownEffect(service, atMs) : emptyEffect()
    let value: number
    switch (metric) {
      case 'latency_p95_ms': {
        const spike = unitFromHash(this.minuteHash(service, metricIndex, atMs, 2)) < 0.004 ? 1.45 : 1
        const base = this.topology.baselineLatencyP95(service) * (0.85 + 0.15 * traffic) * (1 + 0.06 * noise + 0.05 * drift) * spike
        const extra = this.extraLatencyMs(service, atMs)
        value = Math.round((base + extra * (1 + 0.04 * this.noise(service, metricIndex, atMs, 3))) * 10) / 10
        break
      }
      case 'error_rate': {
        const base = (definition.baselines.error_rate ?? 0) * (0.8 + 0.2 * traffic) * (1 + 0.15 * noise + 0.1 * drift)
        value = roundRatio(clamp01(base + this.errorRateExtra(service, atMs) * (1 + 0.05 * this.noise(service, metricIndex, atMs, 3))))
        break
      }
      case 'request_rate':
        value = round2((definition.baselines.request_rate ?? 0) * traffic * (1 + 0.035 * noise + 0.04 * drift) * effect.requestRateFactor)
        break
      case 'cpu_utilization':
        value = (definition.baselines.cpu_utilization ?? 0) * (0.45 + 0.55 * traffic) * (1 + 0.04 * noise + 0.04 * drift) + effect.cpuExtra
        break
      case 'memory_utilization':
        value = (definition.baselines.memory_utilization ?? 0) * (1 + 0.015 * Math.sin((2 * Math.PI * atMs) / DAY_MS) + 0.01 * noise + 0.02 * drift)
        break
      case 'db_connections_used_ratio':
        value = (definition.baselines.db_connections_used_ratio ?? 0) * (0.7 + 0.3 * traffic) * (1 + 0.03 * noise + 0.04 * drift)
        break
      case 'pubsub_backlog': {
        const burst = unitFromHash(this.minuteHash(service, metricIndex, atMs, 2)) < 0.01 ? 3 : 1
        const base = (definition.baselines.pubsub_backlog ?? 0) * (0.6 + 0.4 * traffic) * (1 + 0.15 * noise + 0.1 * drift) * burst
        value = Math.max(0, Math.round(base + 45_000 * this.consumerImpairment(service, atMs)))
        break
      }
      case 'disk_used_ratio': {
        // Grows through the week; the weekly cleanup job (Sunday 00:00 UTC) takes it back down.
        const weekPhase = ((((atMs + 4 * DAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS) / WEEK_MS
        value = (definition.baselines.disk_used_ratio ?? 0) + 0.02 * weekPhase + 0.0015 * noise
        break
      }
      case 'quota_used_ratio':
        value = (definition.baselines.quota_used_ratio ?? 0) * traffic * (1 + 0.04 * noise + 0.03 * drift)
        break
      case 'replicas':
        // A fixed replica count: the synthetic utilisation does not react to scaling, so neither does this.
        value = definition.baselines.replicas ?? 0
        break
    }
    const pull = effect.levels[metric]
    if (pull && pull.weight > 0) {
      value = value * (1 - pull.weight) + pull.level * pull.weight + pull.weight * 0.006 * this.noise(service, metricIndex, atMs, 4)
    }
    if (isRatio(metric)) value = roundRatio(clamp01(value))
    return value
  }

  /** The injections' direct effect on `service` at `atMs`. */
  ownEffect(service: string, atMs: number): MetricEffect {
    const effect = emptyEffect()
    for (const injection of this.injections) {
      INJECTION_BEHAVIOURS[injection.kind].applyEffect(injection, service, atMs, effect, this.topology)
    }
    return effect
  }

  /** Latency the injections add to `service`'s p95, including what it waits for downstream. */
  extraLatencyMs(service: string, atMs: number): number {
    if (!this.injections.length) return 0
    const own = this.ownEffect(service, atMs)
    let extra = own.latencyExtraMs + own.waits.reduce((sum, w) => sum + w.ms, 0)
    for (const call of this.topology.syncCalls(service)) {
      // The caller stops waiting at its deadline.
      const ceiling = Math.max(0, call.timeoutMs - this.topology.baselineLatencyP95(call.to))
      extra += Math.min(this.extraLatencyMs(call.to, atMs - HOP_LAG_MS), ceiling)
    }
    return extra
  }

  /** p95 latency without the minute's noise, for deciding timeouts smoothly. */
  expectedLatencyP95(service: string, atMs: number): number {
    return this.topology.baselineLatencyP95(service) * (0.85 + 0.15 * trafficFactor(atMs)) + this.extraLatencyMs(service, atMs)
  }

  timeoutErrorShare(_caller: string, call: ServiceCall, atMs: number): number {
    if (!this.injections.length || call.async) return 0
    const dependencyP95 = this.expectedLatencyP95(call.to, atMs - HOP_LAG_MS)
    return clamp01((dependencyP95 - 0.75 * call.timeoutMs) / (0.5 * call.timeoutMs))
  }

  /** Error rate the injections add to `service`: its own, passed-on 5xx, and deadlines hit. */
  errorRateExtra(service: string, atMs: number): number {
    if (!this.injections.length) return 0
    let extra = this.ownEffect(service, atMs).errorRateExtra
    for (const call of this.topology.syncCalls(service)) {
      extra += ERROR_PASS_THROUGH * this.errorRateExtra(call.to, atMs - HOP_LAG_MS)
      extra += TIMEOUT_ERROR_CEILING * this.timeoutErrorShare(service, call, atMs)
    }
    return Math.min(1, extra)
  }

  /** How badly the subscribers of a topic keep up, in [0, 1]; the backlog grows with it. */
  private consumerImpairment(service: string, atMs: number): number {
    if (!this.injections.length) return 0
    let worst = 0
    for (const consumer of this.topology.consumersOf(service)) {
      const impairment = clamp01(4 * this.errorRateExtra(consumer.name, atMs) + this.extraLatencyMs(consumer.name, atMs) / 2_000)
      worst = Math.max(worst, impairment)
    }
    return worst
  }

  private minuteHash(service: string, metricIndex: number, atMs: number, stream: number): number {
    return hashInts(this.seed, this.serviceHashes.get(service) ?? 0, metricIndex, Math.floor(atMs / MINUTE_MS), stream)
  }

  private noise(service: string, metricIndex: number, atMs: number, stream: number): number {
    return gaussianFromHash(this.minuteHash(service, metricIndex, atMs, stream))
  }

  private drift(service: string, metricIndex: number, atMs: number): number {
    const knot = Math.floor(atMs / DRIFT_KNOT_MS)
    const t = (atMs - knot * DRIFT_KNOT_MS) / DRIFT_KNOT_MS
    const serviceHash = this.serviceHashes.get(service) ?? 0
    const a = gaussianFromHash(hashInts(this.seed, serviceHash, metricIndex, knot, 99))
    const b = gaussianFromHash(hashInts(this.seed, serviceHash, metricIndex, knot + 1, 99))
    return a + ((b - a) * (1 - Math.cos(Math.PI * t))) / 2
  }
}

function isRatio(metric: MetricKind): boolean {
  return metric === 'error_rate' || metric.endsWith('_ratio') || metric.endsWith('_utilization')
}

function roundRatio(value: number): number {
  return Math.round(value * 10_000) / 10_000
}

function round2(value: number): number {
  return Math.round(value * 100) / 100
}
