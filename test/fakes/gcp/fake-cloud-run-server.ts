import { FakeApiControls } from './fake-api-controls'
import { FakeRestServer, RestProblem } from './fake-rest-server'

export const FAKE_CLOUD_RUN_TOKEN = 'fake-cloud-run-token'

/**
 * A local Cloud Run Admin API v2 for `GET /v2/projects/{p}/locations/{l}/services/{s}`: answers the Service
 * resources it was given (the JSON Google returns, fields as the API spells them) and Google's NOT_FOUND otherwise.
 */
export class FakeCloudRunApi {
  readonly controls = new FakeApiControls('run.googleapis.com')
  private readonly services = new Map<string, Record<string, unknown>>()
  private server: FakeRestServer | null = null

  /** A Service as the v2 API returns it; `template` and `scaling` as given. */
  addService(project: string, region: string, name: string, spec: { scaling?: Record<string, unknown>; template: Record<string, unknown> }): void {
    const full = `projects/${project}/locations/${region}/services/${name}`
    this.services.set(full, { name: full, uid: `uid-${name}`, generation: '3', ingress: 'INGRESS_TRAFFIC_ALL', launchStage: 'GA', ...spec })
  }

  async start(): Promise<string> {
    this.server = await FakeRestServer.start(this.controls, FAKE_CLOUD_RUN_TOKEN, [
      {
        method: 'services.get',
        pattern: /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+)$/,
        handle: (m) => {
          const service = this.services.get(decodeURIComponent(m[1]!))
          if (!service) throw new RestProblem({ status: 'NOT_FOUND', message: `Resource '${m[1]}' was not found` })
          return { status: 200, body: service }
        },
      },
    ])
    return this.server.url
  }

  async stop(): Promise<void> {
    await this.server?.close()
  }
}
