import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTPModuleFunctions, type HTTPReceiver } from '@slack/bolt'
import type { Logger } from '../../logger'
import { MemorySeenSignatures, type SeenSignatures } from './seen-signatures'

/** Slack's window: a request is valid 5 minutes either side of its timestamp. */
export const SLACK_REQUEST_WINDOW_SECONDS = 5 * 60
// A signature is kept a little past the end of its window, for clocks a second or two apart.
const KEEP_PAST_WINDOW_MS = 5_000

export interface ReplayGuardOptions {
  signingSecret: string
  /** The receiver's endpoints for Slack's requests, e.g. ['/slack/events']. */
  endpoints: string[]
  seen: SeenSignatures
  logger: Logger
  now?: () => number
}

export type ReplayVerdict = { ok: true } | { ok: false; reason: 'future_timestamp' | 'replayed' }

/**
 * Verdict on a request whose signature already checked out: Bolt refuses timestamps older than
 * 5 minutes but not ones in the future, nor the same signed request sent twice.
 */
export async function judgeSignedRequest(
  signature: string,
  timestampSec: number,
  seen: SeenSignatures,
  local: SeenSignatures,
  now: number,
  logger: Logger,
): Promise<ReplayVerdict> {
  if (timestampSec * 1000 > now + SLACK_REQUEST_WINDOW_SECONDS * 1000) return { ok: false, reason: 'future_timestamp' }
  const ttlMs = (timestampSec + SLACK_REQUEST_WINDOW_SECONDS) * 1000 - now + KEEP_PAST_WINDOW_MS
  // This replica's memory is asked too: it still knows what it served if Redis is unreachable or lost its data.
  const servedHere = !(await local.markSeen(signature, ttlMs))
  const firstAnywhere = await seen.markSeen(signature, ttlMs).catch((err: unknown) => {
    logger.warn({ err }, 'seen Slack signatures unreachable; checking replays in this process only')
    return true
  })
  const first = !servedHere && firstAnywhere
  return first ? { ok: true } : { ok: false, reason: 'replayed' }
}

/**
 * Puts the replay and future-timestamp checks in front of Bolt's HTTP receiver: the body is read and
 * its signature verified here (Bolt reuses the buffered body and verifies again), then a repeat or a
 * timestamp more than 5 minutes ahead is answered 401 before any listener runs.
 */
export function refuseReplays(receiver: HTTPReceiver, options: ReplayGuardOptions): void {
  const boltListener = receiver.requestListener
  const local = new MemorySeenSignatures(options.now)
  const now = options.now ?? Date.now
  const logger = options.logger.child({ component: 'slack-replay-guard' })
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    // Other routes (alert webhooks, health) and Bolt's own 404s stay synchronous, as Bolt expects.
    if (req.method?.toUpperCase() !== 'POST' || !options.endpoints.includes(path)) return boltListener(req, res)
    void (async () => {
      let buffered: IncomingMessage
      try {
        buffered = await HTTPModuleFunctions.parseAndVerifyHTTPRequest(
          { enabled: true, signingSecret: options.signingSecret, bodyLimit: HTTPModuleFunctions.defaultBodyLimit },
          req,
        )
      } catch (err) {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && (err as { statusCode?: number }).statusCode === 413
        logger.warn({ err }, tooLarge ? 'Slack request body too large' : 'Slack request signature refused')
        HTTPModuleFunctions.buildNoBodyResponse(res, tooLarge ? 413 : 401)
        return
      }
      const signature = req.headers['x-slack-signature']
      // Unsigned requests that got this far are Slack's ssl_check, which Bolt answers without running anything.
      if (typeof signature === 'string') {
        const timestampSec = Number(req.headers['x-slack-request-timestamp'])
        const verdict = await judgeSignedRequest(signature, timestampSec, options.seen, local, now(), logger)
        if (!verdict.ok) {
          logger.warn({ reason: verdict.reason, timestampSec }, 'Slack request refused')
          HTTPModuleFunctions.buildNoBodyResponse(res, 401)
          return
        }
      }
      boltListener(buffered, res)
    })().catch((err: unknown) => {
      logger.error({ err }, 'Slack request guard failed')
      if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500)
    })
  }
}
