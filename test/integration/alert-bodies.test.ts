import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createAlertRoutes } from '../../src/ingest/alert-routes'
import { createLogger } from '../../src/logger'
import { listDeadLetters } from '../../src/storage/repositories/alerts'
import { getIncident } from '../../src/storage/repositories/incidents'
import { alertBodies, alerts } from '../../src/storage/schema'
import { BullmqJobQueue } from '../../src/workers/bullmq-queue'
import { TEST_REDIS_URL } from '../support/services'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const TOKEN = 'alert-bodies-test-token-0123456789'

interface Accepted {
  accepted: number
  results: Array<{ outcome: string; incident: { id: string; number: number } }>
}

describe('alert bodies that Postgres cannot store as sent, through the real alert route', () => {
  let database: TestDatabase
  let queue: BullmqJobQueue
  let server: Server
  let baseUrl: string
  const prefix = `test-bodies-${randomBytes(4).toString('hex')}`

  beforeAll(async () => {
    database = await createTestDatabase()
    queue = new BullmqJobQueue(TEST_REDIS_URL, prefix)
    const routes = createAlertRoutes({ db: database.handle.db, queue, logger: createLogger('silent'), token: TOKEN, maxBodyBytes: 64 * 1024 })
    server = createServer((req, res) => {
      const route = routes.find((r) => r.path === new URL(req.url ?? '/', 'http://localhost').pathname)
      if (route) route.handler(req, res)
      else res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    server?.close()
    await queue?.close()
    const redis = new Redis(TEST_REDIS_URL)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    await redis.quit()
    await database?.drop()
  })

  const post = (route: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/alerts/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
      body,
    })
  const fingerprint = () => `bodies-${randomBytes(4).toString('hex')}`
  const storedBodyOf = async (incidentId: string) => {
    const [row] = await database.handle.db
      .select({ body: alertBodies.body })
      .from(alerts)
      .innerJoin(alertBodies, eq(alerts.bodyId, alertBodies.id))
      .where(eq(alerts.incidentId, incidentId))
    return row?.body
  }
  const deadLetter = async (id: string) => (await listDeadLetters(database.handle.db)).find((d) => d.id === id)

  it('accepts an escaped NUL anywhere in the body, storing the text without it', async () => {
    const body = `{"title": "orders-api\\u0000 down", "service": "orders-api", "fingerprint": "${fingerprint()}", "labels": {"te\\u0000am": "x\\u0000"}}`
    const res = await post('generic', body)
    expect(res.status).toBe(202)
    const { results } = (await res.json()) as Accepted
    const incident = await getIncident(database.handle.db, results[0]!.incident.id)
    expect(incident?.title).toBe('orders-api down')
    expect(incident?.labels).toMatchObject({ team: 'x' })
    expect(JSON.stringify(await storedBodyOf(incident!.id))).not.toContain('\\u0000')
  })

  it('accepts a lone surrogate, replacing it with U+FFFD', async () => {
    const body = `{"title": "orders-api \\ud800 down", "summary": "tail \\udc00", "service": "orders-api", "fingerprint": "${fingerprint()}"}`
    const res = await post('generic', body)
    expect(res.status).toBe(202)
    const { results } = (await res.json()) as Accepted
    const incident = await getIncident(database.handle.db, results[0]!.incident.id)
    expect(incident).toMatchObject({ title: 'orders-api \ufffd down', summary: 'tail \ufffd' })
    expect(await storedBodyOf(incident!.id)).toMatchObject({ title: 'orders-api \ufffd down' })
  })

  it('keeps a surrogate pair (an emoji) as it is', async () => {
    const res = await post('generic', `{"title": "orders-api \\ud83d\\udd25 on fire", "fingerprint": "${fingerprint()}"}`)
    expect(res.status).toBe(202)
    const { results } = (await res.json()) as Accepted
    expect((await getIncident(database.handle.db, results[0]!.incident.id))?.title).toBe('orders-api 🔥 on fire')
  })

  it('decodes a gzip-encoded body', async () => {
    const alert = { title: 'checkout latency above 2 s', service: 'checkout', fingerprint: fingerprint() }
    const res = await post('generic', gzipSync(JSON.stringify(alert)), { 'content-encoding': 'gzip' })
    expect(res.status).toBe(202)
    const { results } = (await res.json()) as Accepted
    expect((await getIncident(database.handle.db, results[0]!.incident.id))?.title).toBe('checkout latency above 2 s')
  })

  it('accepts a UTF-8 byte order mark before the JSON', async () => {
    const res = await post(
      'generic',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{"title": "bom first", "fingerprint": "${fingerprint()}"}`)]),
    )
    expect(res.status).toBe(202)
  })

  it('answers a body with a raw NUL byte 400 and keeps its exact bytes as a dead letter', async () => {
    const bytes = Buffer.from('{"title": "raw \u0000 byte"}', 'utf8')
    const res = await post('generic', bytes)
    expect(res.status).toBe(400)
    const answer = (await res.json()) as { error: string; deadLetterId: string }
    expect(answer.error).toBe('invalid_json')
    const kept = await deadLetter(answer.deadLetterId)
    expect(kept?.rawBody?.equals(bytes)).toBe(true)
    expect(kept?.body).toBe('{"title": "raw  byte"}')
  })

  it('answers a corrupt gzip body 400 and keeps the bytes as received', async () => {
    const bytes = Buffer.concat([gzipSync('{"title": "cut short"}').subarray(0, 12), Buffer.from([0, 0, 0xff])])
    const res = await post('generic', bytes, { 'content-encoding': 'gzip' })
    expect(res.status).toBe(400)
    const answer = (await res.json()) as { error: string; deadLetterId: string }
    expect(answer.error).toBe('undecodable_body')
    expect((await deadLetter(answer.deadLetterId))?.rawBody?.equals(bytes)).toBe(true)
  })

  it('answers an encoding it cannot decode 415 and keeps the body', async () => {
    const res = await post('generic', '{"title": "x"}', { 'content-encoding': 'br' })
    expect(res.status).toBe(415)
    const answer = (await res.json()) as { error: string; deadLetterId: string }
    expect((await deadLetter(answer.deadLetterId))?.body).toBe('{"title": "x"}')
  })

  it('answers a gzip body that inflates past the limit 413', async () => {
    const res = await post('generic', gzipSync(`{"title": "${'a'.repeat(200 * 1024)}"}`), { 'content-encoding': 'gzip' })
    expect(res.status).toBe(413)
  })

  it('keeps a malformed alert with a NUL in it as a dead letter, answering 400', async () => {
    const res = await post('alertmanager', '{"version": "4", "alerts": [{"labels": {"a\\u0000": 1}}], "x": "\\ud800"}')
    expect(res.status).toBe(400)
    const answer = (await res.json()) as { error: string; deadLetterId: string }
    expect(answer.error).toBe('invalid_alert')
    expect(await deadLetter(answer.deadLetterId)).toBeDefined()
  })
})
