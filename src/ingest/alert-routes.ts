import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorMessage, isCodedError, ValidationError } from '../core/errors'
import type { Logger } from '../logger'
import type { Database } from '../storage/database'
import { recordDeadLetter } from '../storage/repositories/alerts'
import type { JobQueue } from '../core/jobs/job-queue'
import { decodeBody, readBody, storableJson, storableText } from './alert-body'
import { ingestAlerts } from './ingest-alerts'
import { alertParsers, recognizeTestNotification, type AlertRoute } from './parsers'

export interface AlertRouteDeps {
  db: Database
  queue: JobQueue
  logger: Logger
  token: string
  maxBodyBytes: number
}

export interface HttpRoute {
  path: string
  method: string[]
  handler: (req: IncomingMessage, res: ServerResponse) => void
}

/** Constant-time comparison that does not leak the token's length either. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

function presentedToken(req: IncomingMessage): string {
  const auth = req.headers.authorization ?? ''
  const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1]
  if (bearer) return bearer.trim()
  const url = new URL(req.url ?? '/', 'http://localhost')
  // Cloud Monitoring webhooks can only carry a token in the URL or via basic auth.
  const basic = /^Basic\s+(.+)$/i.exec(auth)?.[1]
  if (basic) return Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':')
  return url.searchParams.get('token') ?? url.searchParams.get('auth_token') ?? ''
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

// How each decoding failure is answered: the status and the `error` the sender reads.
const BODY_ERRORS: Partial<Record<string, [number, string]>> = {
  alert_body_too_large: [413, 'body_too_large'],
  alert_body_encoding_unsupported: [415, 'unsupported_encoding'],
  alert_body_undecodable: [400, 'undecodable_body'],
}

/** POST /alerts/gcp, /alerts/alertmanager, /alerts/grafana, /alerts/generic. */
export function createAlertRoutes(deps: AlertRouteDeps): HttpRoute[] {
  return (Object.keys(alertParsers) as AlertRoute[]).map((route) => ({
    path: `/alerts/${route}`,
    method: ['POST'],
    handler: (req, res) => {
      handleAlert(route, req, res, deps).catch((err) => {
        deps.logger.error({ err, route }, 'alert ingestion failed')
        // 503 tells Alertmanager and Cloud Monitoring to retry the delivery.
        if (!res.headersSent) reply(res, 503, { error: 'temporarily_unavailable', message: 'could not store the alert; retry later' })
      })
    },
  }))
}

async function handleAlert(route: AlertRoute, req: IncomingMessage, res: ServerResponse, deps: AlertRouteDeps): Promise<void> {
  if (!tokensMatch(presentedToken(req), deps.token)) {
    reply(res, 401, { error: 'unauthorized', message: 'missing or wrong alert token (Authorization: Bearer <token> or ?token=)' })
    return
  }
  const received = await readBody(req, deps.maxBodyBytes)
  // The exact bytes go to raw_body; `body` is their readable text, which Postgres can always store.
  const keep = async (reason: string, field: string | null, text = received.bytes.toString('utf8')) =>
    recordDeadLetter(deps.db, {
      route,
      reason,
      field,
      body: storableText(text),
      rawBody: received.bytes,
      contentType: req.headers['content-type'] ?? null,
      remoteAddress: req.socket.remoteAddress ?? null,
    })

  if (received.truncated) {
    const dl = await keep(`body larger than ${deps.maxBodyBytes} bytes (first bytes kept)`, null)
    reply(res, 413, { error: 'body_too_large', message: `alert bodies are limited to ${deps.maxBodyBytes} bytes`, deadLetterId: dl.id })
    return
  }
  let text: string
  try {
    text = await decodeBody(received.bytes, req.headers['content-encoding'], deps.maxBodyBytes)
  } catch (err) {
    if (!isCodedError(err)) throw err
    const [status, error] = BODY_ERRORS[err.code] ?? [400, 'undecodable_body']
    const dl = await keep(err.message, null)
    reply(res, status, { error, message: err.message, deadLetterId: dl.id })
    return
  }
  let body: unknown
  try {
    body = storableJson(JSON.parse(text))
  } catch (err) {
    const message = `body is not valid JSON: ${errorMessage(err)}`
    const dl = await keep(message, null, text)
    reply(res, 400, { error: 'invalid_json', message, deadLetterId: dl.id })
    return
  }
  const test = recognizeTestNotification(route, body)
  if (test) {
    // A test opens no incident; the worker says in the incident channel that it arrived.
    await deps.queue.enqueue('test-notification.announce', { notificationId: randomUUID(), ...test })
    reply(res, 200, { accepted: 0, test: true, message: `test notification from ${test.sender} received; no incident opened` })
    return
  }
  let alerts: ReturnType<(typeof alertParsers)[typeof route]>
  try {
    alerts = alertParsers[route](body)
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err
    const dl = await keep(err.message, err.field, text)
    deps.logger.warn({ route, field: err.field, deadLetter: dl.id }, 'rejected malformed alert')
    reply(res, 400, { error: 'invalid_alert', field: err.field, message: err.message, deadLetterId: dl.id })
    return
  }
  const { results, queueError } = await ingestAlerts(deps.db, deps.queue, alerts, body)
  if (queueError) {
    // Stored is accepted: the incident.requeue-missed sweep queues the analysis once the queue is back, so the sender must not resend.
    deps.logger.warn({ err: queueError, route, accepted: results.length }, 'alert stored; its analysis is queued later by the sweep')
    reply(res, 202, {
      accepted: results.length,
      results,
      analysis: 'deferred',
      message: 'stored; the job queue is unavailable, the analysis starts when it is back',
    })
    return
  }
  reply(res, 202, { accepted: results.length, results, analysis: 'queued' })
}
