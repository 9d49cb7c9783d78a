import { createHmac } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { FakeSlackApi } from './fake-slack-api'
import {
  buildBlockActionsPayload,
  buildViewBlockActionsPayload,
  buildEventEnvelope,
  buildReactionAddedEvent,
  buildSlashCommand,
  buildViewSubmissionPayload,
  type BlockActionsOptions,
  type BlockActionsPayload,
  type EventEnvelope,
  type ReactionAddedEvent,
  type SlackEventPayload,
  type SlashCommandPayload,
  type ViewSubmissionOptions,
  type ViewSubmissionPayload,
} from './payload-builders'

export interface SlackRequestSenderOptions {
  /** Where the Bolt HTTP receiver listens, e.g. "http://127.0.0.1:3000". */
  baseUrl: string
  /** Defaults to "/slack/events". */
  path?: string
  signingSecret: string
  /** When given, response_urls point at this fake and clicked messages are looked up in it. */
  fakeSlack?: FakeSlackApi
}

export interface SigningOptions {
  /** Sign with this secret instead of the configured one (expect 401). */
  signingSecret?: string
  /** X-Slack-Request-Timestamp to claim, in Unix seconds. */
  timestampSec?: number
  /** Claim a timestamp 10 minutes old, past Slack's 5-minute window (expect 401). */
  stale?: boolean
  /** Extra headers, e.g. X-Slack-Retry-Num. */
  headers?: Record<string, string>
}

/** Exactly what went over the wire, so a test can send it again byte for byte. */
export interface SignedSlackRequest {
  rawBody: string
  contentType: string
  timestampSec: number
  signature: string
  headers: Record<string, string>
}

export interface SlackHttpResponse {
  /** The request as sent; `replay` sends it again unchanged. */
  request: SignedSlackRequest
  status: number
  /** Parsed JSON when the answer is JSON, else the text ('' for an empty ack). */
  body: unknown
  headers: Headers
  elapsedMs: number
}

export interface SentSlackRequest<P> extends SlackHttpResponse {
  payload: P
}

// Bolt compares the content type exactly, so no "; charset=utf-8".
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'
const STALE_BY_SECONDS = 10 * 60

/** Sends requests into a Bolt app's HTTP receiver signed exactly as Slack signs them. */
export class SlackRequestSender {
  private readonly url: string

  constructor(private readonly options: SlackRequestSenderOptions) {
    this.url = new URL(options.path ?? '/slack/events', options.baseUrl).toString()
  }

  async slashCommand(overrides: Partial<SlashCommandPayload> = {}, signing: SigningOptions = {}): Promise<SentSlackRequest<SlashCommandPayload>> {
    const payload = buildSlashCommand(overrides, this.buildOptions())
    const body = new URLSearchParams(Object.entries(payload).filter((entry): entry is [string, string] => typeof entry[1] === 'string')).toString()
    return { ...(await this.sendSigned(body, FORM_CONTENT_TYPE, signing)), payload }
  }

  async blockAction(options: BlockActionsOptions, signing: SigningOptions = {}): Promise<SentSlackRequest<BlockActionsPayload>> {
    const payload = buildBlockActionsPayload(options, this.buildOptions())
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
    return { ...(await this.sendSigned(body, FORM_CONTENT_TYPE, signing)), payload }
  }

  /** Clicks a button of a published view (the App Home tab). */
  async viewBlockAction(options: Parameters<typeof buildViewBlockActionsPayload>[0], signing: SigningOptions = {}): Promise<SlackHttpResponse> {
    const body = new URLSearchParams({ payload: JSON.stringify(buildViewBlockActionsPayload(options)) }).toString()
    return this.sendSigned(body, FORM_CONTENT_TYPE, signing)
  }

  /** Submits a modal: the HTTP answer carries Bolt's ack body (`response_action: 'errors'` for bad input). */
  async viewSubmission(options: ViewSubmissionOptions, signing: SigningOptions = {}): Promise<SentSlackRequest<ViewSubmissionPayload>> {
    const payload = buildViewSubmissionPayload(options)
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
    return { ...(await this.sendSigned(body, FORM_CONTENT_TYPE, signing)), payload }
  }

  async event<E extends SlackEventPayload>(
    event: E,
    overrides: Partial<EventEnvelope<E>> = {},
    signing: SigningOptions = {},
  ): Promise<SentSlackRequest<EventEnvelope<E>>> {
    const payload = buildEventEnvelope(event, overrides)
    return { ...(await this.sendSigned(JSON.stringify(payload), 'application/json', signing)), payload }
  }

  /** Someone reacts to a message (`:pushpin:` unless `reaction` says otherwise): the reaction_added event Slack sends. */
  async reactionAdded(
    options: Parameters<typeof buildReactionAddedEvent>[0],
    signing: SigningOptions = {},
  ): Promise<SentSlackRequest<EventEnvelope<ReactionAddedEvent>>> {
    return this.event(buildReactionAddedEvent(options), {}, signing)
  }

  /** Posts any raw body, signed; for payloads the builders do not cover. */
  async sendSigned(rawBody: string, contentType: string, signing: SigningOptions = {}): Promise<SlackHttpResponse> {
    const nowSec = Math.floor(Date.now() / 1000)
    const timestampSec = signing.timestampSec ?? (signing.stale ? nowSec - STALE_BY_SECONDS : nowSec)
    const signature = signSlackRequest(signing.signingSecret ?? this.options.signingSecret, timestampSec, rawBody)
    return this.replay({ rawBody, contentType, timestampSec, signature, headers: signing.headers ?? {} })
  }

  /** Sends a request again exactly as it was sent (same body, timestamp and signature), as someone who captured it would. */
  async replay(request: SignedSlackRequest): Promise<SlackHttpResponse> {
    const startedAt = performance.now()
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'Content-Type': request.contentType,
        'X-Slack-Request-Timestamp': String(request.timestampSec),
        'X-Slack-Signature': request.signature,
        ...request.headers,
      },
      body: request.rawBody,
    })
    const text = await response.text()
    const elapsedMs = performance.now() - startedAt
    return { request, status: response.status, body: parseBody(text, response.headers.get('content-type')), headers: response.headers, elapsedMs }
  }

  private buildOptions(): { fakeSlack?: FakeSlackApi } {
    return this.options.fakeSlack === undefined ? {} : { fakeSlack: this.options.fakeSlack }
  }
}

/** Slack's request signature: "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{raw body}". */
export function signSlackRequest(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`
}

function parseBody(text: string, contentType: string | null): unknown {
  if (contentType?.includes('application/json') !== true || text.length === 0) return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
