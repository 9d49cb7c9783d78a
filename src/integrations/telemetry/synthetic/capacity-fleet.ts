import { type FleetService, SYNTHETIC_FLEET } from './fleet'

function standalone(name: string, cpu: number, memory: number, replicas: number): FleetService {
  return {
    name,
    resourceType: 'k8s_container',
    team: 'discovery',
    calls: [],
    selfLatencyP95Ms: 90,
    baselines: { request_rate: 120, error_rate: 0.001, cpu_utilization: cpu, memory_utilization: memory, disk_used_ratio: 0.2, replicas },
    spanName: `GET /v1/${name}`,
    logLinesPerMinute: 2,
    memoryLimitGiB: 1,
    labels: { namespace: 'discovery', cluster: 'prod-gke-ew1', region: 'europe-west1' },
  }
}

/**
 * The demo shop plus three services built for sizing: `search` runs hot at its weekday evening
 * peak (CPU near 90 % of its request), `recommendations` idles (CPU under 15 %), `reviews` is
 * comfortably sized. Each runs a fixed replica count (the `replicas` metric). Nothing calls them, so the shop's
 * own telemetry is unchanged.
 */
export const CAPACITY_FLEET: readonly FleetService[] = [
  ...SYNTHETIC_FLEET,
  standalone('search', 0.66, 0.55, 6),
  standalone('recommendations', 0.1, 0.5, 8),
  standalone('reviews', 0.4, 0.55, 3),
]
