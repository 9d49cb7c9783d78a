/** What a workload is given, as the orchestrator declares it: replicas, the autoscaler's bounds, per-replica requests and limits. */
export interface CapacitySettings {
  /**
   * What runs it, for the wording and the kind of suggestion: a Kubernetes Deployment (replicas, HPA; the default),
   * a Cloud Run service (instances, min / max instances), or a database (sized by its connections, not scaled out).
   */
  kind?: 'deployment' | 'cloud-run' | 'database'

  /** Where it was read from, for the message ("deployment payments/payment-api"). */
  source: string
  /** The Kubernetes Deployment behind the settings, which the Scale button can change; absent elsewhere (Cloud Run). */
  deployment?: { namespace: string; name: string }
  /** Replicas running now (the Deployment's spec). */
  replicas: number
  /** The HorizontalPodAutoscaler's bounds; null when nothing autoscales the workload. */
  autoscaler: { minReplicas: number; maxReplicas: number } | null
  /** Per replica, summed over its containers; null when not declared. */
  cpuRequestCores: number | null
  cpuLimitCores: number | null
  memoryRequestGiB: number | null
  memoryLimitGiB: number | null
  /** Cloud Run: requests one instance serves at once (`maxInstanceRequestConcurrency`). */
  concurrency?: number | null
  /** A database's `max_connections`; with the connections metric it sizes the connection limit. */
  maxConnections?: number | null
}

/** Reads a service's capacity settings; null when the service has no workload there. */
export interface CapacitySettingsPort {
  settings(service: string): Promise<CapacitySettings | null>
}
