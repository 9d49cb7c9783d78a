import { CodedError } from '../../../core/errors'
import { METRIC_KINDS, TelemetryQueryError, type MetricKind } from '../../../core/telemetry/port'
import type { FleetService, ServiceCall } from './fleet'

/** Share of a dependency's p95 that shows up in the caller's p95 (tails rarely coincide). */
const TAIL_OVERLAP = 0.8

/** Lookups over the fleet's call graph, computed once. */
export class FleetTopology {
  private readonly byName: Map<string, FleetService>
  private readonly baselineLatency = new Map<string, number>()

  constructor(readonly services: readonly FleetService[]) {
    this.byName = new Map(services.map((s) => [s.name, s]))
    for (const service of services) {
      for (const call of service.calls) {
        if (!this.byName.has(call.to)) throw new CodedError('synthetic_fleet_invalid', `${service.name} calls unknown service ${call.to}`)
      }
    }
    for (const service of services) this.baselineLatencyP95(service.name)
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  getOrThrow(name: string): FleetService {
    const service = this.byName.get(name)
    if (!service) {
      throw new TelemetryQueryError(`unknown service "${name}"; the synthetic fleet has ${[...this.byName.keys()].join(', ')}`)
    }
    return service
  }

  /** Calls whose latency the caller waits for. */
  syncCalls(name: string): ServiceCall[] {
    return this.getOrThrow(name).calls.filter((c) => !c.async)
  }

  /** Services with a synchronous call to `name`. */
  callersOf(name: string): FleetService[] {
    return this.services.filter((s) => s.calls.some((c) => c.to === name && !c.async))
  }

  /** Services that consume `name` asynchronously (subscribers of a topic). */
  consumersOf(name: string): FleetService[] {
    return this.services.filter((s) => s.calls.some((c) => c.to === name && c.async))
  }

  exportedMetrics(name: string): MetricKind[] {
    const service = this.getOrThrow(name)
    return METRIC_KINDS.filter((m) => m === 'latency_p95_ms' || service.baselines[m] !== undefined)
  }

  /** Baseline p95 at average traffic: own time plus the tails of what it waits on. */
  baselineLatencyP95(name: string): number {
    const known = this.baselineLatency.get(name)
    if (known !== undefined) return known
    const service = this.getOrThrow(name)
    let total = service.selfLatencyP95Ms
    for (const call of this.syncCalls(name)) total += TAIL_OVERLAP * call.callsPerRequest * this.baselineLatencyP95(call.to)
    this.baselineLatency.set(name, total)
    return total
  }
}
