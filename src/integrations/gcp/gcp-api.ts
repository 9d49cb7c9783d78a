/** The four Google Cloud APIs evidence is read from; each has its own quota and token bucket. */
export const GCP_APIS = ['monitoring', 'logging', 'error_reporting', 'trace'] as const
export type GcpApi = (typeof GCP_APIS)[number]

/** How the APIs are named to people (errors, the reasoning trail, the benchmark). */
export const GCP_API_TITLES: Record<GcpApi, string> = {
  monitoring: 'Cloud Monitoring',
  logging: 'Cloud Logging',
  error_reporting: 'Error Reporting',
  trace: 'Cloud Trace',
}
