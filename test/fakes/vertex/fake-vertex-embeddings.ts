import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HashingEmbedder } from '../../../src/core/correlation/hashing-embedder'

export const FAKE_VERTEX_TOKEN = 'fake-vertex-access-token'

export interface PredictCall {
  project: string
  location: string
  model: string
  instances: Array<{ content: string; task_type?: string }>
  parameters: { outputDimensionality?: number; autoTruncate?: boolean }
  authorization: string | null
}

/**
 * A local stand-in for the Vertex AI text-embeddings endpoint
 * (POST /v1beta1/projects/{p}/locations/{l}/publishers/google/models/{model}:predict),
 * speaking its JSON: instances/parameters in, predictions[].embeddings.values out, and
 * Google's error envelope. It enforces what the real service does that the client
 * must respect: a bearer token, one input per request for gemini-embedding models,
 * at most 250 for the others, the requested output size. Vectors come from the local
 * hashing embedder truncated to the requested size, so related texts stay close.
 */
export class FakeVertexEmbeddings {
  readonly calls: PredictCall[] = []
  private server: Server | null = null
  private failures: Array<{ status: number; message: string }> = []
  private delayMs = 0
  private readonly embedder = new HashingEmbedder(3072)

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | null
    if (!address) throw new Error('fake Vertex AI server is not started')
    return `http://127.0.0.1:${address.port}`
  }

  /** The next `count` requests fail with this HTTP status. */
  failNext(count: number, status = 503, message = 'The service is currently unavailable.'): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, message })
  }

  /** Every answer waits this long (to exercise client timeouts). */
  respondAfter(ms: number): void {
    this.delayMs = ms
  }

  reset(): void {
    this.calls.length = 0
    this.failures = []
    this.delayMs = 0
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server = null
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs))
    if (res.destroyed) return
    const match = /^\/v1(?:beta1)?\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):predict$/.exec(req.url ?? '')
    if (req.method !== 'POST' || !match) return this.error(res, 404, 'NOT_FOUND', `no route for ${req.method} ${req.url}`)
    const authorization = req.headers.authorization ?? null
    if (authorization !== `Bearer ${FAKE_VERTEX_TOKEN}`) return this.error(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.')
    let body: { instances?: PredictCall['instances']; parameters?: PredictCall['parameters'] }
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return this.error(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.')
    }
    const [, project, location, model] = match as unknown as [string, string, string, string]
    const instances = body.instances ?? []
    const parameters = body.parameters ?? {}
    this.calls.push({ project, location, model, instances, parameters, authorization })
    const failure = this.failures.shift()
    if (failure) return this.error(res, failure.status, failure.status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE', failure.message)
    const maxInputs = model.startsWith('gemini-embedding') ? 1 : 250
    if (instances.length === 0 || instances.length > maxInputs) {
      return this.error(res, 400, 'INVALID_ARGUMENT', `${model} accepts between 1 and ${maxInputs} instances per request, got ${instances.length}.`)
    }
    const size = parameters.outputDimensionality ?? (model.startsWith('gemini-embedding') ? 3072 : 768)
    if (!Number.isInteger(size) || size < 1 || size > 3072)
      return this.error(res, 400, 'INVALID_ARGUMENT', `outputDimensionality must be in [1, 3072], got ${size}.`)
    if (instances.some((i) => typeof i.content !== 'string' || i.content.length === 0))
      return this.error(res, 400, 'INVALID_ARGUMENT', 'The text content is empty.')
    const predictions = instances.map((i) => ({
      embeddings: { values: this.embedder.embedOne(i.content).slice(0, size), statistics: { truncated: false, token_count: Math.ceil(i.content.length / 4) } },
    }))
    this.json(res, 200, { predictions, metadata: { billableCharacterCount: instances.reduce((s, i) => s + i.content.length, 0) } })
  }

  private error(res: ServerResponse, code: number, status: string, message: string): void {
    this.json(res, code, { error: { code, message, status } })
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
    res.end(JSON.stringify(body))
  }
}
