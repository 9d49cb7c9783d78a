import { OAuth2Client } from 'google-auth-library'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { correlateIncident, type CandidateQuery, type IncidentSearchPort } from '../../../src/core/correlation/correlate-incident'
import { CodedError } from '../../../src/core/errors'
import { VertexEmbedder, type VertexEmbedderOptions } from '../../../src/integrations/genai/vertex-embedder'
import { FAKE_VERTEX_TOKEN, FakeVertexEmbeddings } from '../../fakes/vertex/fake-vertex-embeddings'

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0)

function tokenClient(token = FAKE_VERTEX_TOKEN): OAuth2Client {
  const client = new OAuth2Client()
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 })
  return client
}

describe('VertexEmbedder through @google/genai against a local Vertex AI endpoint', () => {
  const fake = new FakeVertexEmbeddings()
  const embedder = (overrides: Partial<VertexEmbedderOptions> = {}) =>
    new VertexEmbedder({
      project: 'sre-prod',
      location: 'europe-west4',
      model: 'gemini-embedding-001',
      dimensions: 768,
      storedDimensions: 768,
      timeoutMs: 2000,
      baseUrl: fake.baseUrl,
      authClient: tokenClient(),
      ...overrides,
    })

  beforeAll(() => fake.start())
  afterAll(() => fake.stop())
  beforeEach(() => fake.reset())

  it('calls the regional :predict endpoint with the bearer token, one input per request for gemini-embedding-001', async () => {
    const vectors = await embedder().embed(['checkout-db connection pool exhausted', 'payment-api latency above 2 s', 'disk full'])
    expect(vectors).toHaveLength(3)
    expect(fake.calls).toHaveLength(3)
    expect(fake.calls[0]).toMatchObject({
      project: 'sre-prod',
      location: 'europe-west4',
      model: 'gemini-embedding-001',
      authorization: `Bearer ${FAKE_VERTEX_TOKEN}`,
    })
    expect(fake.calls[0]!.instances[0]).toEqual({ content: 'checkout-db connection pool exhausted', task_type: 'SEMANTIC_SIMILARITY' })
    expect(fake.calls[0]!.parameters).toMatchObject({ outputDimensionality: 768, autoTruncate: true })
  })

  it('batches text-embedding models many inputs per request, in order', async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `incident ${i}: service-${i % 7} latency`)
    const vectors = await embedder({ model: 'text-embedding-005' }).embed(texts)
    expect(fake.calls.map((c) => c.instances.length)).toEqual([250, 50])
    const [again] = await embedder({ model: 'text-embedding-005' }).embed([texts[123]!])
    expect(cosine(vectors[123]!, again!)).toBeCloseTo(1, 6)
  })

  it('asks for fewer dimensions when configured and zero-pads unit vectors to the stored size', async () => {
    const small = embedder({ dimensions: 256 })
    expect(small.name).toBe('vertex:gemini-embedding-001@256')
    const [v] = await small.embed(['checkout-db connection pool exhausted'])
    expect(fake.calls[0]!.parameters.outputDimensionality).toBe(256)
    expect(v).toHaveLength(768)
    expect(v!.slice(256).every((x) => x === 0)).toBe(true)
    expect(Math.hypot(...v!)).toBeCloseTo(1, 6)
  })

  it('keeps related incidents closer than unrelated ones', async () => {
    const [a, b, c] = await embedder().embed([
      'checkout-db connection pool exhausted',
      'checkout-db pool exhausted, connections refused',
      'TLS certificate expiring on frontend',
    ])
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.2)
  })

  it('retries one transient 503, then succeeds', async () => {
    fake.failNext(1, 503)
    await expect(embedder().embed(['x'])).resolves.toHaveLength(1)
    expect(fake.calls).toHaveLength(2)
  })

  it('fails with embedding_failed when the service keeps failing, when credentials are refused, or past the timeout', async () => {
    fake.failNext(5, 503)
    await expect(embedder().embed(['x'])).rejects.toMatchObject({ code: 'embedding_failed' })
    await expect(embedder({ authClient: tokenClient('wrong') }).embed(['x'])).rejects.toMatchObject({
      code: 'embedding_failed',
      message: expect.stringContaining('invalid authentication'),
    })
    fake.respondAfter(1500)
    const error = await embedder({ timeoutMs: 300 })
      .embed(['x'])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CodedError)
    expect((error as CodedError).message).toMatch(/timed out after 300 ms/)
  })

  it('refuses a configuration asking for more dimensions than are stored', () => {
    expect(() => embedder({ dimensions: 1536 })).toThrow(/larger than the stored vector size/)
  })

  it('lets correlation fall back to keywords and structured signals when Vertex AI is down, saying so', async () => {
    fake.failNext(10, 503)
    const asked: CandidateQuery[] = []
    const search: IncidentSearchPort = {
      searchCandidates: async (q) => {
        asked.push(q)
        return { candidates: [], keywords: [], errorSignature: null }
      },
    }
    const result = await correlateIncident(
      { text: 'checkout-db pool exhausted', service: 'checkout-db', resourceType: null, policyName: null, before: new Date(), limit: 5 },
      { embedder: embedder(), search },
    )
    expect(asked[0]!.embedding).toBeNull()
    expect(result.mode).toBe('lexical_structured')
    expect(result.notes[0]).toMatch(
      /^embeddings unavailable \(vertex:gemini-embedding-001@768: Vertex AI gemini-embedding-001: .*\); ranked by keywords and structured signals only$/,
    )
  })
})
