import type { ConsoleLinks, LogSeverity, MetricKind, TimeWindow } from '../../core/telemetry/port'
import { consoleLogFilter, quoteConsoleString } from './console-log-filter'
import type { MonitoredResource } from './monitored-resource'

const CONSOLE = 'https://console.cloud.google.com'

const iso = (d: Date) => d.toISOString()

export function metricsExplorerLink(projectId: string, service: string, metric: string, start: Date, end: Date): string {
  const params = new URLSearchParams({ project: projectId, startTime: iso(start), endTime: iso(end), pageState: JSON.stringify({ service, metric }) })
  return `${CONSOLE}/monitoring/metrics-explorer?${params}`
}

/** Deep links into the Google Cloud console of one project, so every piece of evidence can be checked by hand. */
export class GcpConsoleLinks implements ConsoleLinks {
  /** `resourceOf` places each service (from GCP_SERVICES_FILE); without it every service is a GKE container of its name. */
  constructor(
    private readonly projectId: string,
    private readonly resourceOf: (service: string) => MonitoredResource | null = () => null,
  ) {}

  metric(query: { service: string; metric: MetricKind } & TimeWindow): string {
    return metricsExplorerLink(this.projectId, query.service, query.metric, query.start, query.end)
  }

  logs(query: { services: readonly string[]; minSeverity?: LogSeverity; contains?: string } & TimeWindow): string {
    const filter = [
      consoleLogFilter(query.services, this.resourceOf),
      query.minSeverity ? `severity>=${query.minSeverity}` : null,
      query.contains ? quoteConsoleString(query.contains) : null,
    ]
    const text = `${filter.filter(Boolean).join('\n')}\ntimestamp>="${iso(query.start)}"\ntimestamp<="${iso(query.end)}"`
    return `${CONSOLE}/logs/query;query=${encodeURIComponent(text)}?project=${encodeURIComponent(this.projectId)}`
  }

  errorGroup(groupId: string): string {
    return `${CONSOLE}/errors/detail/${encodeURIComponent(groupId)}?project=${encodeURIComponent(this.projectId)}`
  }

  trace(traceId: string): string {
    return `${CONSOLE}/traces/list?project=${encodeURIComponent(this.projectId)}&tid=${encodeURIComponent(traceId)}`
  }

  /** The policy's page in the project that owns it (named in the resource name, which may differ from ours). */
  alertPolicy(policyName: string): string | null {
    const m = /^projects\/([^/]+)\/alertPolicies\/([^/]+)$/.exec(policyName)
    if (!m) return null
    return `${CONSOLE}/monitoring/alerting/policies/${encodeURIComponent(m[2]!)}?project=${encodeURIComponent(m[1]!)}`
  }
}
