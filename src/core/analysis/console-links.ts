/** Deep links into the Google Cloud console, so every piece of evidence can be checked by hand. */

const CONSOLE = 'https://console.cloud.google.com'

const iso = (d: Date) => d.toISOString()

export function metricsExplorerLink(projectId: string, service: string, metric: string, start: Date, end: Date): string {
  const params = new URLSearchParams({ project: projectId, startTime: iso(start), endTime: iso(end), pageState: JSON.stringify({ service, metric }) })
  return `${CONSOLE}/monitoring/metrics-explorer?${params}`
}

export function logsExplorerLink(projectId: string, filter: string, start: Date, end: Date): string {
  const query = `${filter}\ntimestamp>="${iso(start)}"\ntimestamp<="${iso(end)}"`
  return `${CONSOLE}/logs/query;query=${encodeURIComponent(query)}?project=${encodeURIComponent(projectId)}`
}

export function errorGroupLink(projectId: string, groupId: string): string {
  return `${CONSOLE}/errors/detail/${encodeURIComponent(groupId)}?project=${encodeURIComponent(projectId)}`
}

export function traceLink(projectId: string, traceId: string): string {
  return `${CONSOLE}/traces/list?project=${encodeURIComponent(projectId)}&tid=${encodeURIComponent(traceId)}`
}
