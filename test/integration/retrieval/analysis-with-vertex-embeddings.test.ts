import { OAuth2Client } from 'google-auth-library'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config'
import { incidentEmbeddingText } from '../../../src/core/correlation/embedder'
import { FAKE_WORKSPACE, FakeSlackApi } from '../../../src/embedded/slack-simulator'
import { VertexEmbedder } from '../../../src/integrations/genai/vertex-embedder'
import { createLogger } from '../../../src/logger'
import { createRuntime, type Runtime } from '../../../src/runtime'
import { getAnalysisRecord, getLatestAnalysis } from '../../../src/storage/repositories/analyses'
import { createIncident, getIncident, listOpenIncidents, type Incident } from '../../../src/storage/repositories/incidents'
import { getIncidentEmbedding } from '../../../src/storage/repositories/incident-embeddings'
import { processIncidentAnalyze } from '../../../src/workers/processors/incident-analyze'
import { processIncidentOpenAndAnalyze } from '../../../src/workers/processors/incident-open-and-analyze'
import { FAKE_VERTEX_TOKEN, FakeVertexEmbeddings } from '../../fakes/vertex/fake-vertex-embeddings'

const DAY = 86_400_000

describe('incident analysis with Vertex AI embeddings (local fake), on embedded Postgres', () => {
  const vertex = new FakeVertexEmbeddings()
  const slack = new FakeSlackApi({ channels: [{ id: FAKE_WORKSPACE.channelId, name: FAKE_WORKSPACE.channelName }] })
  let runtime: Runtime
  let embedder: VertexEmbedder
  let auth: OAuth2Client

  beforeAll(async () => {
    await vertex.start()
    const { apiUrl } = await slack.start()
    auth = new OAuth2Client()
    auth.setCredentials({ access_token: FAKE_VERTEX_TOKEN, expiry_date: Date.now() + 3_600_000 })
    embedder = new VertexEmbedder({
      project: 'sre-prod',
      location: 'us-central1',
      model: 'gemini-embedding-001',
      dimensions: 768,
      storedDimensions: 768,
      timeoutMs: 2000,
      baseUrl: vertex.baseUrl,
      authClient: auth,
    })
    const config = loadConfig({
      DATABASE_URL: 'pglite://memory',
      SLACK_BOT_TOKEN: FAKE_WORKSPACE.botToken,
      SLACK_API_URL: apiUrl,
      INCIDENT_CHANNEL: FAKE_WORKSPACE.channelId,
      PLAYBOOKS_DIR: 'test/fixtures/playbooks',
      // These tests read the similar-incidents and assessment messages as the full thread posts them.
      THREAD_DETAIL: 'full',
      // Five analyses of orders-db within a minute would be a storm; each test wants its own.
      STORM_THRESHOLD: '0',
      // The fake Slack has no posting limit: five full threads in one channel would otherwise wait a second per post past the burst.
      SLACK_CHANNEL_INTERVAL_MS: '0',
    })
    runtime = await createRuntime(config, createLogger('silent'), { embedder, slackRetries: 0 })
    // History embedded by the same model, as production would have stored it.
    const past = {
      fingerprint: 'past-1',
      source: 'generic',
      status: 'resolved' as const,
      severity: 'high' as const,
      title: 'orders-db connection pool exhausted, orders-api timeouts',
      service: 'orders-db',
      summary: '',
      startedAt: new Date(Date.now() - 20 * DAY),
      resolution: 'restarted pgbouncer',
      resolutionOutcome: 'worked' as const,
      resolvedAt: new Date(Date.now() - 20 * DAY + 3_600_000),
    }
    const [vector] = await embedder.embed([incidentEmbeddingText(past)])
    await createIncident(runtime.database.db, { ...past, embedding: vector!, embeddingModel: embedder.name })
  })

  afterAll(async () => {
    await runtime?.close()
    await slack.stop()
    await vertex.stop()
  })

  beforeEach(() => vertex.reset())

  async function analyse(
    title: string,
    options: { startedAt?: Date; embedder?: VertexEmbedder } = {},
  ): Promise<{ incident: Incident; trail: string; similar: string }> {
    const incident = await createIncident(runtime.database.db, {
      fingerprint: `now-${title}`,
      source: 'generic',
      severity: 'high',
      title,
      service: 'orders-db',
      startedAt: options.startedAt ?? new Date(),
    })
    await processIncidentAnalyze({ ...runtime.deps, embedder: options.embedder ?? runtime.deps.embedder }, { incidentId: incident.id })
    const record = await getAnalysisRecord(runtime.database.db, (await getLatestAnalysis(runtime.database.db, incident.id))!.id)
    const root = await getIncident(runtime.database.db, incident.id)
    const similar = slack.thread(root!.slackChannel!, root!.slackTs!).find((m) => m.text?.startsWith('Similar incidents'))
    return { incident, trail: JSON.stringify(record!.steps), similar: JSON.stringify(similar ?? null) }
  }

  it('embeds the incident with Vertex AI, finds the past one by embedding and stores the vector with its model', async () => {
    const { incident, trail } = await analyse('orders-db pool exhausted')
    expect(vertex.calls.length).toBeGreaterThan(0)
    expect(trail).toContain('vertex:gemini-embedding-001@768 embedding, cosine nearest neighbours (HNSW)')
    expect(trail).toMatch(/Closest: INC-1 .*text 0\.\d\d/)
    expect((await getIncidentEmbedding(runtime.database.db, incident.id))?.model).toBe('vertex:gemini-embedding-001@768')
  })

  it('stores and shows the evidence-quality factors beside the others', async () => {
    const { incident } = await analyse('orders-db pool exhausted (quality)')
    const record = await getAnalysisRecord(runtime.database.db, (await getLatestAnalysis(runtime.database.db, incident.id))!.id)
    expect(record!.factors.map((f) => f.name)).toEqual(expect.arrayContaining(['evidence_freshness', 'evidence_consistency']))
    const root = await getIncident(runtime.database.db, incident.id)
    const assessment = slack.thread(root!.slackChannel!, root!.slackTs!).find((m) => m.text?.startsWith('Assessment'))
    expect(JSON.stringify(assessment)).toMatch(/evidence freshness: \d+%.*evidence consistency: \d+%/)
  })

  it('falls back to keywords and structured signals when Vertex AI fails, says so in the trail and the thread, and still finds the match', async () => {
    vertex.failNext(50, 503)
    const { incident, trail, similar } = await analyse('orders-db connection pool exhausted (fallback)')
    expect(trail).toContain('embeddings unavailable (vertex:gemini-embedding-001@768')
    expect(trail).toContain('ranked by keywords and structured signals only')
    expect(trail).toMatch(/[Cc]losest: INC-\d+ .*\(keywords [01]\.\d\d/)
    expect(similar).toContain('embeddings unavailable')
    expect(similar).toContain('*INC-1* orders-db connection pool exhausted, orders-api timeouts')
    expect(await getIncidentEmbedding(runtime.database.db, incident.id)).toBeNull()
  })

  it('falls back the same way when Vertex AI does not answer within its timeout, and the trail says it timed out', async () => {
    vertex.respondAfter(1500)
    const impatient = new VertexEmbedder({
      project: 'sre-prod',
      location: 'us-central1',
      model: 'gemini-embedding-001',
      dimensions: 768,
      storedDimensions: 768,
      timeoutMs: 200,
      baseUrl: vertex.baseUrl,
      authClient: auth,
    })
    const { trail, similar } = await analyse('orders-db connection pool exhausted (timeout)', { embedder: impatient })
    expect(trail).toMatch(/embeddings unavailable \(vertex:gemini-embedding-001@768: [^)]*timed out after 200 ms/)
    expect(trail).toContain('ranked by keywords and structured signals only')
    expect(similar).toContain('*INC-1* orders-db connection pool exhausted, orders-api timeouts')
  })

  it('/sre analyze embeds its text once and writes the incident with the vector; when that embedding fails, the analysis embeds it again', async () => {
    const open = async (text: string) => {
      const data = { text, userId: 'U0ANALYST', channelId: FAKE_WORKSPACE.channelId, requestedAt: new Date().toISOString() }
      await processIncidentOpenAndAnalyze(runtime.deps, data)
      const incident = (await listOpenIncidents(runtime.database.db)).find((i) => i.title === text)!
      const record = await getAnalysisRecord(runtime.database.db, (await getLatestAnalysis(runtime.database.db, incident.id))!.id)
      return { incident, trail: JSON.stringify(record!.steps) }
    }
    const once = await open('orders-db connection pool exhausted (opened with its vector)')
    expect(vertex.calls).toHaveLength(1)
    expect(once.trail).toContain('vertex:gemini-embedding-001@768 embedding, cosine nearest neighbours (HNSW)')
    const [expected] = await embedder.embed([incidentEmbeddingText(once.incident)])
    const stored = (await getIncidentEmbedding(runtime.database.db, once.incident.id))!.vector
    expect(Math.max(...stored.map((x, i) => Math.abs(x - expected![i]!)))).toBeLessThan(1e-6)

    vertex.reset()
    vertex.failNext(1, 503)
    const retried = await open('orders-db connection pool exhausted (embedded by the analysis)')
    expect(vertex.calls).toHaveLength(2)
    expect(retried.trail).toContain('vertex:gemini-embedding-001@768 embedding, cosine nearest neighbours (HNSW)')
    expect((await getIncidentEmbedding(runtime.database.db, retried.incident.id))?.model).toBe('vertex:gemini-embedding-001@768')
  })

  it('with no history before the incident, says nothing is similar and history adds nothing to the confidence', async () => {
    const { incident, trail, similar } = await analyse('orders-db pool exhausted (before any history)', { startedAt: new Date(Date.now() - 40 * DAY) })
    expect(similar).toContain('Nothing similar in the history before this incident, so history adds nothing to the confidence.')
    expect(trail).toContain('Nothing similar in the history before this incident')
    const record = await getAnalysisRecord(runtime.database.db, (await getLatestAnalysis(runtime.database.db, incident.id))!.id)
    const factor = (name: string) => record!.factors.find((f) => f.name === name)
    expect(factor('retrieval_strength')).toMatchObject({ value: 0, explanation: 'no past incidents to compare with' })
    expect(factor('history_agreement')).toMatchObject({ value: 0 })
    expect(factor('retrieval_margin')).toMatchObject({ value: 0, explanation: 'no ranking to compare' })
    expect(record!.analysis.confidence).toBeLessThan(0.6)
  })
})
