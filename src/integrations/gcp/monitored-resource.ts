/** Where a service lives in Google Cloud: a monitored resource type (k8s_container, cloud_run_revision, gce_instance, …) and its labels. */
export interface MonitoredResource {
  type: string
  labels: Record<string, string>
}
