import { v2 as loggingV2 } from '@google-cloud/logging'
import { AlertPolicyServiceClient, MetricServiceClient } from '@google-cloud/monitoring'
import { cloudtrace, type cloudtrace_v1 } from '@googleapis/cloudtrace'
import { GoogleAuth } from 'google-auth-library'

type GaxClientOptions = NonNullable<ConstructorParameters<typeof MetricServiceClient>[0]>
/** Per-call options google-gax understands; retries are ours, so gax's own are turned off. */
export interface GaxCallOptions {
  autoPaginate: false
  retry: null
  timeout: number
}

/** The generated LoggingServiceV2Client, as much of it as the agent uses (the package types it `any`). */
export interface LogEntriesClient {
  listLogEntries(request: Record<string, unknown>, options: GaxCallOptions): Promise<[unknown[], unknown, unknown]>
  close(): Promise<void>
}

/** Error Reporting's read API (v1beta1) over REST, authenticated by google-auth-library. */
export class ErrorReportingReader {
  constructor(
    private readonly auth: GoogleAuth,
    private readonly rootUrl: string,
  ) {}

  async groupStats(projectId: string, params: Record<string, string | number>, timeoutMs: number): Promise<unknown> {
    return this.get(`v1beta1/projects/${encodeURIComponent(projectId)}/groupStats`, params, timeoutMs)
  }

  async events(projectId: string, params: Record<string, string | number>, timeoutMs: number): Promise<unknown> {
    return this.get(`v1beta1/projects/${encodeURIComponent(projectId)}/events`, params, timeoutMs)
  }

  private async get(path: string, params: Record<string, string | number>, timeoutMs: number): Promise<unknown> {
    const res = await this.auth.request({
      url: new URL(path, this.rootUrl).href,
      method: 'GET',
      params,
      timeout: timeoutMs,
      retry: false,
      responseType: 'json',
    })
    return res.data
  }
}

export interface GcpEndpoint {
  host: string
  port: number
}

export interface GcpClientOptions {
  projectId: string
  /** Application Default Credentials when absent (Workload Identity, a service account key, gcloud). */
  auth?: GoogleAuth
  monitoringEndpoint?: GcpEndpoint
  loggingEndpoint?: GcpEndpoint
  /** Channel credentials for both gRPC clients; tests pass insecure ones to reach a local fake. */
  grpcChannelCredentials?: GaxClientOptions['sslCreds']
  errorReportingUrl?: string
  traceUrl?: string
}

export interface GcpClients {
  projectId: string
  metrics: MetricServiceClient
  /** Same API and endpoint as `metrics` (Cloud Monitoring), so the same quota and token bucket. */
  alertPolicies: AlertPolicyServiceClient
  logging: LogEntriesClient
  errorReporting: ErrorReportingReader
  trace: cloudtrace_v1.Cloudtrace
  close(): Promise<void>
}

/** Read-only is enforced by IAM (viewer roles); the scope is the one every Cloud API accepts. */
const SCOPES = ['https://www.googleapis.com/auth/cloud-platform']

/** Builds the official clients of the four APIs, sharing one credential. */
export function createGcpClients(options: GcpClientOptions): GcpClients {
  const auth = options.auth ?? new GoogleAuth({ scopes: SCOPES, projectId: options.projectId })
  const grpcOptions = (endpoint: GcpEndpoint | undefined): GaxClientOptions => ({
    auth,
    projectId: options.projectId,
    ...(endpoint ? { apiEndpoint: endpoint.host, port: endpoint.port } : {}),
    ...(options.grpcChannelCredentials ? { sslCreds: options.grpcChannelCredentials } : {}),
  })
  const metrics = new MetricServiceClient(grpcOptions(options.monitoringEndpoint))
  const alertPolicies = new AlertPolicyServiceClient(grpcOptions(options.monitoringEndpoint))
  const logging = new loggingV2.LoggingServiceV2Client(grpcOptions(options.loggingEndpoint)) as LogEntriesClient
  const errorReporting = new ErrorReportingReader(auth, options.errorReportingUrl ?? 'https://clouderrorreporting.googleapis.com/')
  // googleapis-common types its own copy of google-auth-library; at run time it only calls auth.request().
  const trace = cloudtrace({
    version: 'v1',
    auth: auth as unknown as cloudtrace_v1.Options['auth'],
    ...(options.traceUrl ? { rootUrl: options.traceUrl } : {}),
  })
  return {
    projectId: options.projectId,
    metrics,
    alertPolicies,
    logging,
    errorReporting,
    trace,
    async close() {
      await Promise.all([metrics.close(), alertPolicies.close(), logging.close()])
    },
  }
}
