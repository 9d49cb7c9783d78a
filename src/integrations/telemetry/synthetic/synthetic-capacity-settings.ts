import type { CapacitySettings, CapacitySettingsPort } from '../../../core/capacity/capacity-settings'
import type { FleetService } from './fleet'

/**
 * The capacity settings of the synthetic fleet, as its services declare them: replicas (the `replicas`
 * baseline), the sizing and autoscaler of the capacity fleet, the memory limit, a database's max_connections
 * label. What the demo and embedded mode size against when no Kubernetes API or Cloud Run region is configured.
 */
export class SyntheticCapacitySettings implements CapacitySettingsPort {
  constructor(private readonly fleet: readonly FleetService[]) {}

  async settings(service: string): Promise<CapacitySettings | null> {
    const name = service.slice(service.indexOf('/') + 1)
    const s = this.fleet.find((f) => f.name === name)
    if (!s || s.resourceType === 'pubsub_topic') return null
    if (s.resourceType === 'cloudsql_database') {
      const max = Number(s.labels.max_connections)
      return {
        kind: 'database',
        source: `Cloud SQL instance ${s.labels.database_id ?? name} (synthetic)`,
        replicas: 1,
        autoscaler: null,
        cpuRequestCores: null,
        cpuLimitCores: null,
        memoryRequestGiB: null,
        memoryLimitGiB: null,
        maxConnections: Number.isFinite(max) && max > 0 ? max : null,
      }
    }
    const namespace = s.labels.namespace ?? 'default'
    return {
      kind: 'deployment',
      source: `deployment ${namespace}/${name} (synthetic)`,
      replicas: s.baselines.replicas ?? 1,
      autoscaler: s.sizing?.autoscaler ?? null,
      cpuRequestCores: s.sizing?.cpuRequestCores ?? null,
      cpuLimitCores: s.sizing?.cpuLimitCores ?? null,
      memoryRequestGiB: s.sizing?.memoryRequestGiB ?? null,
      memoryLimitGiB: s.memoryLimitGiB ?? null,
    }
  }
}
