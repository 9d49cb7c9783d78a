import { type FleetService, SYNTHETIC_FLEET } from './fleet'

function standalone(name: string, cpu: number, memory: number, replicas: number, hpa: { minReplicas: number; maxReplicas: number }): FleetService {
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
    sizing: { cpuRequestCores: 0.5, cpuLimitCores: 1, memoryRequestGiB: 0.75, autoscaler: hpa },
    labels: { namespace: 'discovery', cluster: 'prod-gke-ew1', region: 'europe-west1' },
  }
}

/**
 * The demo shop plus three services built for sizing: `search` runs hot at its weekday evening
 * peak (CPU near 90 % of its request), `recommendations` idles (CPU under 15 %), `reviews` is
 * comfortably sized. Each runs a fixed replica count (the `replicas` metric). Nothing calls them, so the shop's
 * own telemetry is unchanged. Their `sizing` (0.5 vCPU requested, 1 vCPU and 1 GiB limits, an HPA each) is what
 * their capacity settings say when no Kubernetes API is configured.
 */
export const CAPACITY_FLEET: readonly FleetService[] = [
  ...SYNTHETIC_FLEET,
  standalone('search', 0.66, 0.55, 6, { minReplicas: 2, maxReplicas: 6 }),
  standalone('recommendations', 0.1, 0.5, 8, { minReplicas: 8, maxReplicas: 12 }),
  standalone('reviews', 0.4, 0.55, 3, { minReplicas: 2, maxReplicas: 6 }),
]
