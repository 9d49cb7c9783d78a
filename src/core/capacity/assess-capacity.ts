import { DAY_MS } from '../durations'
import type { TelemetryPort } from '../telemetry/port'
import { analyzeCapacity, type CapacityReport } from './analyze-capacity'
import type { CapacitySettingsPort } from './capacity-settings'

/** How far back the sizing looks: four weeks give a weekly pattern and a trend; the port may return less. */
export const CAPACITY_HISTORY_DAYS = 28

export interface CapacityDeps {
  telemetry: Pick<TelemetryPort, 'metrics'>
  settings: CapacitySettingsPort
  now(): Date
}

/**
 * Reads a service's settings and its CPU, memory and latency history (hourly) and sizes it.
 * Null when the service has no workload behind the settings port. `service` may be `namespace/name`;
 * the telemetry is asked about `name`.
 */
export async function assessCapacity(deps: CapacityDeps, service: string, days = CAPACITY_HISTORY_DAYS): Promise<CapacityReport | null> {
  const settings = await deps.settings.settings(service)
  if (!settings) return null
  const name = service.slice(service.indexOf('/') + 1)
  const end = deps.now()
  const window = { service: name, start: new Date(end.getTime() - days * DAY_MS), end, stepSeconds: 3600 }
  const database = settings.kind === 'database'
  const [cpu, memory, latency, replicas, connections] = await Promise.all([
    deps.telemetry.metrics({ ...window, metric: 'cpu_utilization' }),
    deps.telemetry.metrics({ ...window, metric: 'memory_utilization' }),
    deps.telemetry.metrics({ ...window, metric: 'latency_p95_ms' }),
    // Not every provider or service exports it; the analysis then says it used today's count.
    database ? null : deps.telemetry.metrics({ ...window, metric: 'replicas' }).catch(() => null),
    database ? deps.telemetry.metrics({ ...window, metric: 'db_connections_used_ratio' }) : null,
  ])
  return analyzeCapacity({
    service: name,
    cpu: cpu.points,
    memory: memory.points,
    latencyP95Ms: latency.points,
    replicas: replicas?.points ?? [],
    connections: connections?.points ?? [],
    settings,
  })
}
