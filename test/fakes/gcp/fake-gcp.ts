import * as grpc from '@grpc/grpc-js'
import { GoogleAuth, OAuth2Client } from 'google-auth-library'
import type { GcpClientOptions } from '../../../src/integrations/gcp/gcp-clients'
import type { FakeApiControls } from './fake-api-controls'
import { FakeCloudTraceServer } from './fake-cloud-trace-server'
import { FakeErrorReportingServer } from './fake-error-reporting-server'
import { FakeLoggingServer } from './fake-logging-server'
import { FakeMonitoringServer } from './fake-monitoring-server'

export const FAKE_ACCESS_TOKEN = 'ya29.fake-access-token-for-tests'

/**
 * A real google-auth-library client holding a fixed access token: requests are signed by the
 * library's own code path (getRequestHeaders), and the REST fakes check the bearer it sends.
 */
export function fakeGoogleAuth(token = FAKE_ACCESS_TOKEN): GoogleAuth {
  const client = new OAuth2Client()
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 24 * 3_600_000, token_type: 'Bearer' })
  return new GoogleAuth({ authClient: client })
}

/** The four fake Google APIs on local ports, and the client options that reach them. */
export class FakeGcp {
  private constructor(
    readonly monitoring: FakeMonitoringServer,
    readonly logging: FakeLoggingServer,
    readonly errorReporting: FakeErrorReportingServer,
    readonly trace: FakeCloudTraceServer,
  ) {}

  static async start(): Promise<FakeGcp> {
    const [monitoring, logging, errorReporting, trace] = await Promise.all([
      FakeMonitoringServer.start(),
      FakeLoggingServer.start(),
      FakeErrorReportingServer.start(FAKE_ACCESS_TOKEN),
      FakeCloudTraceServer.start(FAKE_ACCESS_TOKEN),
    ])
    return new FakeGcp(monitoring, logging, errorReporting, trace)
  }

  get controls(): Record<'monitoring' | 'logging' | 'error_reporting' | 'trace', FakeApiControls> {
    return { monitoring: this.monitoring.controls, logging: this.logging.controls, error_reporting: this.errorReporting.controls, trace: this.trace.controls }
  }

  /** Latency added to every call of every fake. */
  set latencyMs(ms: number) {
    for (const c of Object.values(this.controls)) c.latencyMs = ms
  }

  clientOptions(projectId: string, auth: GoogleAuth = fakeGoogleAuth()): GcpClientOptions {
    return {
      projectId,
      auth,
      monitoringEndpoint: { host: '127.0.0.1', port: this.monitoring.port },
      loggingEndpoint: { host: '127.0.0.1', port: this.logging.port },
      grpcChannelCredentials: grpc.credentials.createInsecure(),
      errorReportingUrl: this.errorReporting.url,
      traceUrl: this.trace.url,
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.monitoring.close(), this.logging.close(), this.errorReporting.close(), this.trace.close()])
  }
}
