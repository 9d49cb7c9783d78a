import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

/** Per-container resources as the API spells them ("500m", "512Mi"). */
export interface FakeResources {
  requests?: { cpu?: string; memory?: string }
  limits?: { cpu?: string; memory?: string }
}

interface FakeDeployment {
  resources?: FakeResources
  replicas: number
  readyReplicas: number
  templateAnnotations: Record<string, string>
  generation: number
}

export interface RecordedKubeRequest {
  method: string
  path: string
  contentType: string | undefined
  dryRun: boolean
  body: unknown
}

/**
 * A local Kubernetes API server for the apps/v1 Deployment endpoints the agent uses
 * (read, scale subresource, merge-patch, server-side dryRun), speaking the real REST
 * shapes (Deployment, Scale, Status objects) so @kubernetes/client-node talks to it unchanged.
 */
export class FakeKubernetesApi {
  readonly requests: RecordedKubeRequest[] = []
  private readonly deployments = new Map<string, FakeDeployment>()
  /** HorizontalPodAutoscalers by namespace/name, each naming the Deployment it scales. */
  private readonly autoscalers = new Map<string, { target: string; minReplicas: number; maxReplicas: number }>()
  private server: Server | null = null

  constructor(private readonly token = 'fake-kube-token') {}

  addDeployment(namespace: string, name: string, replicas: number, resources?: FakeResources): void {
    this.deployments.set(`${namespace}/${name}`, { replicas, readyReplicas: replicas, templateAnnotations: {}, generation: 1, resources })
  }

  /** An autoscaling/v2 HorizontalPodAutoscaler (named `<deployment>-hpa`) scaling the Deployment between the bounds. */
  addAutoscaler(namespace: string, deployment: string, minReplicas: number, maxReplicas: number): void {
    this.autoscalers.set(`${namespace}/${deployment}-hpa`, { target: deployment, minReplicas, maxReplicas })
  }

  deployment(namespace: string, name: string): FakeDeployment | undefined {
    return this.deployments.get(`${namespace}/${name}`)
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const body = raw ? JSON.parse(raw) : undefined
    const dryRun = url.searchParams.get('dryRun') === 'All'
    this.requests.push({ method: req.method ?? '', path: url.pathname, contentType: req.headers['content-type'], dryRun, body })
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.status(res, 401, 'Unauthorized', 'Unauthorized')
      return
    }
    const hpa = /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers(?:\/([^/]+))?$/.exec(url.pathname)
    if (hpa && req.method === 'GET' && !hpa[2]) {
      const namespace = hpa[1]!
      const items = [...this.autoscalers.entries()].filter(([key]) => key.startsWith(`${namespace}/`)).map(([key]) => this.autoscalerJson(key))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ kind: 'HorizontalPodAutoscalerList', apiVersion: 'autoscaling/v2', metadata: {}, items }))
      return
    }
    if (hpa?.[2] && req.method === 'PATCH') {
      const key = `${hpa[1]}/${hpa[2]}`
      const current = this.autoscalers.get(key)
      const max = (body as { spec?: { maxReplicas?: number } })?.spec?.maxReplicas
      if (!current) this.status(res, 404, 'NotFound', `horizontalpodautoscalers.autoscaling "${hpa[2]}" not found`)
      else if (req.headers['content-type'] !== 'application/merge-patch+json') this.status(res, 415, 'UnsupportedMediaType', 'unsupported patch type')
      else if (typeof max !== 'number' || max < current.minReplicas) {
        this.status(res, 422, 'Invalid', 'spec.maxReplicas: Invalid value: must be greater than or equal to minReplicas')
      }
      if (!current || res.headersSent || typeof max !== 'number') return
      if (!dryRun) this.autoscalers.set(key, { ...current, maxReplicas: max })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(this.autoscalerJson(key, { ...current, maxReplicas: max })))
      return
    }
    const m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/.exec(url.pathname)
    if (!m) {
      this.status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`)
      return
    }
    const [, namespace, name, scale] = m as unknown as [string, string, string, string | undefined]
    const current = this.deployment(namespace, name)
    if (!current) {
      this.status(res, 404, 'NotFound', `deployments.apps "${name}" not found`)
      return
    }
    if (req.method === 'PATCH' && req.headers['content-type'] !== 'application/merge-patch+json') {
      this.status(
        res,
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      )
      return
    }
    const next = structuredClone(current)
    if (req.method === 'PATCH' && scale) {
      const replicas = (body as { spec?: { replicas?: number } })?.spec?.replicas
      if (typeof replicas !== 'number' || replicas < 0) {
        this.status(res, 422, 'Invalid', 'spec.replicas: Invalid value: must be greater than or equal to 0')
        return
      }
      next.replicas = replicas
    } else if (req.method === 'PATCH') {
      const annotations =
        (body as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } })?.spec?.template?.metadata?.annotations ?? {}
      next.templateAnnotations = { ...next.templateAnnotations, ...annotations }
      next.generation++
    } else if (req.method !== 'GET') {
      this.status(res, 405, 'MethodNotAllowed', `${req.method} is not supported here`)
      return
    }
    if (req.method === 'PATCH' && !dryRun) this.deployments.set(`${namespace}/${name}`, next)
    const metadata = { name, namespace, generation: next.generation, uid: `uid-${namespace}-${name}` }
    const json = scale
      ? {
          kind: 'Scale',
          apiVersion: 'autoscaling/v1',
          metadata,
          spec: { replicas: next.replicas },
          status: { replicas: current.replicas, selector: `app=${name}` },
        }
      : {
          kind: 'Deployment',
          apiVersion: 'apps/v1',
          metadata,
          spec: {
            replicas: next.replicas,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name }, annotations: next.templateAnnotations },
              spec: { containers: [{ name, image: `${name}:1`, resources: next.resources ?? {} }] },
            },
          },
          status: { replicas: current.replicas, readyReplicas: current.readyReplicas, observedGeneration: current.generation },
        }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(json))
  }

  /** The HorizontalPodAutoscaler `namespace/name` as the API returns it (optionally as a patch would leave it). */
  private autoscalerJson(key: string, a = this.autoscalers.get(key)!): Record<string, unknown> {
    const [namespace, name] = key.split('/') as [string, string]
    return {
      kind: 'HorizontalPodAutoscaler',
      apiVersion: 'autoscaling/v2',
      metadata: { name, namespace },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: a.target },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
      status: { currentReplicas: this.deployment(namespace, a.target)?.replicas ?? 0, desiredReplicas: 0 },
    }
  }

  /** The autoscaler of a Deployment as it stands. */
  autoscaler(namespace: string, deployment: string): { minReplicas: number; maxReplicas: number } | undefined {
    return this.autoscalers.get(`${namespace}/${deployment}-hpa`)
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }))
  }
}
