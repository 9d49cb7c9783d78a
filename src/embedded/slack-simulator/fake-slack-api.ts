import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { CodedError } from '../../core/errors'
import {
  failure,
  type FakeChannel,
  FakeWebApiMethods,
  type FakeWorkspaceDirectory,
  type RecordedViewOpen,
  type RecordedViewPublish,
  type WebApiAnswer,
} from './fake-web-api-methods'
import { FAKE_WORKSPACE } from './fake-workspace'
import {
  FakeSocketModeServer,
  type RecordedSocketAck,
  type SocketAck,
  type SocketEnvelope,
  type SocketEnvelopeOptions,
  type SocketEnvelopeType,
} from './socket-mode-server'
import { SlackMessageStore, type MessageContent, type RecordedEphemeral, type RecordedMessage, type SharedFile, type SlackBlock } from './slack-message-store'

export interface FakeSlackApiOptions extends FakeWorkspaceDirectory {
  host?: string
  /** 0 (the default) picks a free port. */
  port?: number
  /** Tokens accepted in `Authorization: Bearer …`; defaults to the simulated bot token. */
  botTokens?: readonly string[]
  /** App-level tokens (`xapp-…`) accepted by apps.connections.open; defaults to the simulated app token. */
  appTokens?: readonly string[]
  /** Seconds part of the first message ts. */
  firstTsSeconds?: number
  /** Slack's posting limit: past `calls` calls of `methods` in one channel within `windowMs`, answer 429 with Retry-After. */
  rateLimit?: ChannelRateLimit
}

export interface ChannelRateLimit {
  methods: readonly string[]
  calls: number
  windowMs: number
}

export interface RecordedCall {
  method: string
  /** The arguments as the app meant them: JSON fields decoded, token left out. */
  args: Record<string, unknown>
  at: Date
  status: number
  answer: WebApiAnswer
}

export interface InjectedFailure {
  /** HTTP status; 429 also sends Retry-After. Defaults to 200, as Slack answers most errors. */
  status?: number
  /** Seconds for the Retry-After header; defaults to 1 with status 429. */
  retryAfter?: number
  /** How many of the next calls fail; defaults to 1. */
  times?: number
  /** Only calls whose arguments this accepts fail (and count towards `times`); others pass through. Defaults to every call. */
  matching?: (args: Record<string, unknown>) => boolean
}

/** What an interaction's response_url acts on: the channel, the user and, for a click, the message. */
export interface ResponseUrlOrigin {
  channel: string
  user: string
  messageTs?: string
  threadTs?: string
}

export type ResponseEffect = 'posted' | 'ephemeral' | 'replaced' | 'deleted' | 'rejected' | 'unknown_url'

export interface RecordedResponse {
  id: string
  body: Record<string, unknown>
  responseType: 'in_channel' | 'ephemeral'
  replaceOriginal: boolean
  deleteOriginal: boolean
  origin?: ResponseUrlOrigin
  effect: ResponseEffect
  /** ts of the message posted, replaced or deleted, when there is one. */
  ts?: string
  /** Why it was rejected, when `effect` is 'rejected'. */
  error?: string
  at: Date
}

export interface WaitOptions {
  timeoutMs?: number
}

const JSON_ENCODED_ARGS = ['blocks', 'attachments', 'view', 'metadata']

/**
 * A local Slack: serves the Web API at `<base>/api/<method>` the way `@slack/web-api` calls it,
 * interaction response_urls at `<base>/response/<id>` and Socket Mode (apps.connections.open plus
 * the WebSocket at `<base>/link/`), recording everything for tests and the demo transcript.
 */
export class FakeSlackApi {
  private readonly store: SlackMessageStore
  private readonly methods: FakeWebApiMethods
  private readonly botTokens: ReadonlySet<string>
  private readonly appTokens: ReadonlySet<string>
  private readonly socketMode: FakeSocketModeServer
  private readonly recordedCalls: RecordedCall[] = []
  private readonly recordedResponses: RecordedResponse[] = []
  private readonly pendingFailures = new Map<string, PendingFailure[]>()
  private readonly responseOrigins = new Map<string, ResponseUrlOrigin>()
  private readonly waiters = new Set<() => void>()
  private readonly recentCallsByChannel = new Map<string, number[]>()
  private server: Server | undefined
  private boundBaseUrl: string | undefined

  constructor(private readonly options: FakeSlackApiOptions = {}) {
    this.store = new SlackMessageStore(options.firstTsSeconds)
    this.methods = new FakeWebApiMethods(this.store, options)
    this.botTokens = new Set(options.botTokens ?? [FAKE_WORKSPACE.botToken])
    this.appTokens = new Set(options.appTokens ?? [FAKE_WORKSPACE.appToken])
    this.socketMode = new FakeSocketModeServer(() => this.notifyWaiters())
  }

  async start(): Promise<{ apiUrl: string; baseUrl: string }> {
    if (this.server !== undefined) throw new CodedError('slack_simulator_already_started', 'FakeSlackApi is already listening')
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (response.headersSent) return
        sendJson(response, 500, failure('fatal_error', { detail: String(error) }))
      })
    })
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.socketMode.handleUpgrade(request, socket, head))
    const host = this.options.host ?? '127.0.0.1'
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port ?? 0, host, () => resolve())
    })
    this.server = server
    const { port } = server.address() as AddressInfo
    this.boundBaseUrl = `http://${host}:${port}`
    this.methods.uploadBaseUrl = this.boundBaseUrl
    return { apiUrl: this.apiUrl, baseUrl: this.baseUrl }
  }

  async stop(): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    this.boundBaseUrl = undefined
    // Upgraded sockets are no longer the HTTP server's to close.
    this.socketMode.closeAll()
    // Keep-alive sockets from fetch would hold close() open.
    server.closeAllConnections()
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
  }

  /** Base of the listening server, e.g. "http://127.0.0.1:41234". */
  get baseUrl(): string {
    if (this.boundBaseUrl === undefined) throw new CodedError('slack_simulator_not_started', 'FakeSlackApi.start() has not been called')
    return this.boundBaseUrl
  }

  /** What to give WebClient as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`
  }

  /** Forgets everything recorded and every pending failure; the server keeps listening. */
  reset(): void {
    this.store.clear()
    this.methods.clear()
    this.recordedCalls.length = 0
    this.recordedResponses.length = 0
    this.pendingFailures.clear()
    this.responseOrigins.clear()
    this.recentCallsByChannel.clear()
    this.socketMode.clear()
  }

  /**
   * Makes the next call(s) of `method` fail with `error` (queued after earlier failNext calls),
   * e.g. failNext('chat.postMessage', 'ratelimited', { status: 429, retryAfter: 3 }).
   */
  failNext(method: string, error: string, options: InjectedFailure = {}): void {
    const status = options.status ?? 200
    const pending: PendingFailure = { error, status, remaining: options.times ?? 1, matching: options.matching ?? (() => true) }
    const retryAfter = options.retryAfter ?? (status === 429 ? 1 : undefined)
    if (retryAfter !== undefined) pending.retryAfter = retryAfter
    this.pendingFailures.set(method, [...(this.pendingFailures.get(method) ?? []), pending])
  }

  /** Registers what a response_url acts on and returns the URL, as Slack does for each interaction. */
  createResponseUrl(origin: ResponseUrlOrigin): string {
    const id = randomUUID()
    this.responseOrigins.set(id, origin)
    return `${this.baseUrl}/response/${id}`
  }

  get calls(): readonly RecordedCall[] {
    return this.recordedCalls
  }

  get responses(): readonly RecordedResponse[] {
    return this.recordedResponses
  }

  /** Acks the app sent over Socket Mode, in arrival order. */
  get socketAcks(): readonly RecordedSocketAck[] {
    return this.socketMode.acks
  }

  /** Envelopes pushed over Socket Mode, in order. */
  get socketEnvelopes(): readonly SocketEnvelope[] {
    return this.socketMode.envelopes
  }

  /** Apps connected over Socket Mode right now. */
  get socketConnectionCount(): number {
    return this.socketMode.connectionCount
  }

  /**
   * Pushes a Socket Mode envelope to the connected app and resolves with its ack; rejects with
   * `slack_simulator_no_socket` when no app is connected, `slack_simulator_timeout` when it does not ack.
   */
  sendSocketEnvelope(type: SocketEnvelopeType, payload: object, options?: SocketEnvelopeOptions): Promise<SocketAck> {
    return this.socketMode.send(type, payload, options)
  }

  get ephemerals(): readonly RecordedEphemeral[] {
    return this.store.ephemerals()
  }

  get views(): readonly RecordedViewPublish[] {
    return this.methods.viewPublishes
  }

  /** Modals opened with views.open, oldest first. */
  get openedViews(): readonly RecordedViewOpen[] {
    return this.methods.viewOpens
  }

  callsTo(method: string): RecordedCall[] {
    return this.recordedCalls.filter((call) => call.method === method)
  }

  /** Live messages of the channel, roots and replies, in ts order. */
  messagesIn(channel: string): RecordedMessage[] {
    return this.store.messagesIn(channel)
  }

  rootMessagesIn(channel: string): RecordedMessage[] {
    return this.store.rootMessagesIn(channel)
  }

  /** The root message and its replies, in ts order. */
  thread(channel: string, ts: string): RecordedMessage[] {
    return this.store.thread(channel, ts)
  }

  /** A person writes in the workspace (not through the API): a message to react to, or to read back with conversations.*. */
  postAsUser(input: { channel: string; user: string; text: string; threadTs?: string }): RecordedMessage {
    return this.store.post({ channel: input.channel, user: input.user, text: input.text, threadTs: input.threadTs, postedVia: 'web_api' })
  }

  /** A message by ts, deleted ones included (flagged `deleted`). */
  message(channel: string, ts: string): RecordedMessage | undefined {
    return this.store.message(channel, ts)
  }

  /** Every message ever posted to the channel, deleted ones included. */
  historyOf(channel: string): readonly RecordedMessage[] {
    return this.store.historyOf(channel)
  }

  /** Channels with messages or ephemerals, in order of first activity. */
  channels(): readonly string[] {
    return this.store.channels()
  }

  /** The configured (or created) name of a channel, if any. */
  channelName(id: string): string | undefined {
    return this.methods.channelName(id)
  }

  /** Adds a channel to the workspace, e.g. one holding a name the app will then find taken. */
  addChannel(channel: FakeChannel): void {
    this.methods.addChannel(channel)
  }

  /** Users invited to the channel (and the bot, in channels it created). */
  channelMembers(id: string): string[] {
    return this.methods.channelMembers(id)
  }

  /** Timestamps of the messages pinned in the channel. */
  pinnedIn(id: string): string[] {
    return this.methods.pinnedIn(id)
  }

  /** Methods needing these scopes answer missing_scope from now on (until reset), as for an app installed without them. */
  revokeScopes(...scopes: string[]): void {
    this.methods.revokeScopes(scopes)
  }

  /** Gives back scopes revoked with revokeScopes. */
  grantScopes(...scopes: string[]): void {
    this.methods.grantScopes(scopes)
  }

  permalink(message: RecordedMessage): string {
    return this.methods.permalink(message)
  }

  /**
   * Resolves with the first truthy value `probe` returns, re-checking after every recorded call
   * and response; rejects with code `slack_simulator_timeout` after `timeoutMs` (default 2000).
   */
  waitFor<T>(probe: (api: FakeSlackApi) => T | undefined | null | false, { timeoutMs = 2000 }: WaitOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        try {
          const found = probe(this)
          if (found === undefined || found === null || found === false) return false
          settle()
          resolve(found)
        } catch (error) {
          settle()
          reject(error)
        }
        return true
      }
      const settle = (): void => {
        clearTimeout(timer)
        this.waiters.delete(onChange)
      }
      const onChange = (): void => {
        check()
      }
      const timer = setTimeout(() => {
        settle()
        const seen = this.recordedCalls.map((call) => call.method).join(', ') || 'none'
        reject(new CodedError('slack_simulator_timeout', `Nothing matched within ${timeoutMs} ms; calls so far: ${seen}`))
      }, timeoutMs)
      this.waiters.add(onChange)
      check()
    })
  }

  /** Waits for a call to `method` (matching `predicate` when given). */
  waitForCall(method: string, predicate: (call: RecordedCall) => boolean = () => true, options?: WaitOptions): Promise<RecordedCall> {
    return this.waitFor(() => this.recordedCalls.find((call) => call.method === method && predicate(call)), options)
  }

  /** Files shared in `channel`, oldest first, with the message that shared them. */
  filesSharedIn(channel: string): Array<SharedFile & { messageTs: string; comment: string }> {
    return this.store.messagesIn(channel).flatMap((m) => (m.files ?? []).map((f) => ({ ...f, messageTs: m.ts, comment: m.text ?? '' })))
  }

  /** Waits for a live message in `channel` (matching `predicate` when given). */
  waitForMessage(channel: string, predicate: (message: RecordedMessage) => boolean = () => true, options?: WaitOptions): Promise<RecordedMessage> {
    return this.waitFor(() => this.store.messagesIn(channel).find(predicate), options)
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake-slack.invalid')
    const bytes = await readBody(request)
    const rawBody = bytes.toString('utf8')
    const upload = /^\/upload\/v1\/([A-Z0-9]+)$/.exec(url.pathname)
    if (upload && request.method === 'POST') {
      await this.receiveUpload(upload[1]!, request, bytes, response)
      return
    }
    if (url.pathname.startsWith('/api/')) {
      this.handleApiCall(url.pathname.slice('/api/'.length), url.searchParams, request, rawBody, response)
      return
    }
    if (url.pathname.startsWith('/response/') && request.method === 'POST') {
      this.handleResponseUrl(url.pathname.slice('/response/'.length), request, rawBody, response)
      return
    }
    sendJson(response, 404, failure('not_found'))
  }

  /** An upload URL: the file's bytes, raw or as the multipart form WebClient sends; answered like Slack's ("OK - <bytes>"). */
  private async receiveUpload(fileId: string, request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
    let bytes = body
    const contentType = request.headers['content-type'] ?? ''
    if (contentType.toLowerCase().startsWith('multipart/form-data')) {
      const form = await new Request('http://fake-slack.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new Uint8Array(body),
      }).formData()
      const part = [...form.values()].find((v): v is File => typeof v !== 'string')
      bytes = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0)
    }
    const known = this.methods.receiveUpload(fileId, bytes)
    response.writeHead(known ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' })
    response.end(known ? `OK - ${bytes.length}` : 'Not Found')
    this.notifyWaiters()
  }

  private handleApiCall(method: string, query: URLSearchParams, request: IncomingMessage, rawBody: string, response: ServerResponse): void {
    const parsed = parseArgs(request.headers['content-type'], rawBody, query)
    const { token, ...args } = parsed.args
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]
    const presentedToken = bearer ?? (typeof token === 'string' ? token : undefined)
    const injected = this.takeInjectedFailure(method, args) ?? this.rateLimited(method, args)
    let status = 200
    let answer: WebApiAnswer
    if (injected !== undefined) {
      status = injected.status
      answer = failure(injected.error)
      if (injected.retryAfter !== undefined) response.setHeader('Retry-After', String(injected.retryAfter))
    } else if (parsed.error !== undefined) {
      answer = failure(parsed.error)
    } else if (presentedToken === undefined) {
      answer = failure('not_authed')
    } else if (method === 'apps.connections.open') {
      answer = this.openSocketConnection(presentedToken)
    } else if (this.appTokens.has(presentedToken)) {
      // App-level tokens only open Socket Mode connections.
      answer = failure('not_allowed_token_type')
    } else if (!this.botTokens.has(presentedToken)) {
      answer = failure('invalid_auth')
    } else {
      answer = this.methods.call(method, args)
    }
    this.recordedCalls.push({ method, args, at: new Date(), status, answer })
    sendJson(response, status, answer)
    this.notifyWaiters()
  }

  private openSocketConnection(token: string): WebApiAnswer {
    if (this.botTokens.has(token)) return failure('not_allowed_token_type')
    if (!this.appTokens.has(token)) return failure('invalid_auth')
    return { ok: true, url: this.socketMode.issueUrl(this.baseUrl) }
  }

  private handleResponseUrl(id: string, request: IncomingMessage, rawBody: string, response: ServerResponse): void {
    const parsed = parseArgs(request.headers['content-type'], rawBody, new URLSearchParams())
    const body = parsed.args
    const origin = this.responseOrigins.get(id)
    const recorded: RecordedResponse = {
      id,
      body,
      responseType: body.response_type === 'in_channel' ? 'in_channel' : 'ephemeral',
      replaceOriginal: isTrue(body.replace_original),
      deleteOriginal: isTrue(body.delete_original),
      effect: 'unknown_url',
      at: new Date(),
    }
    if (origin !== undefined) recorded.origin = origin
    const answer = origin === undefined ? { ok: true } : this.applyResponse(recorded, origin)
    this.recordedResponses.push(recorded)
    sendJson(response, answer.ok ? 200 : 400, answer)
    this.notifyWaiters()
  }

  private applyResponse(recorded: RecordedResponse, origin: ResponseUrlOrigin): WebApiAnswer {
    const content = contentOfResponse(recorded.body)
    if (recorded.deleteOriginal && origin.messageTs !== undefined) {
      const deleted = this.store.delete(origin.channel, origin.messageTs)
      if (deleted === undefined) return this.rejectResponse(recorded, failure('message_not_found'))
      recorded.effect = 'deleted'
      recorded.ts = deleted.ts
      return { ok: true }
    }
    const rejection = this.methods.rejectContent(content)
    if (rejection !== undefined) return this.rejectResponse(recorded, rejection)
    if (recorded.replaceOriginal && origin.messageTs !== undefined) {
      const replaced = this.store.update(origin.channel, origin.messageTs, { blocks: [], ...content })
      if (replaced === undefined) return this.rejectResponse(recorded, failure('message_not_found'))
      recorded.effect = 'replaced'
      recorded.ts = replaced.ts
      return { ok: true }
    }
    const threadTs = typeof recorded.body.thread_ts === 'string' ? recorded.body.thread_ts : undefined
    if (recorded.responseType === 'in_channel') {
      const posted = this.store.post({
        channel: origin.channel,
        user: FAKE_WORKSPACE.botUserId,
        botId: FAKE_WORKSPACE.botId,
        threadTs,
        postedVia: 'response_url',
        ...content,
      })
      recorded.effect = 'posted'
      recorded.ts = posted.ts
      return { ok: true }
    }
    const ephemeral = this.store.postEphemeral({ channel: origin.channel, user: origin.user, threadTs, postedVia: 'response_url', ...content })
    recorded.effect = 'ephemeral'
    recorded.ts = ephemeral.messageTs
    return { ok: true }
  }

  private rejectResponse(recorded: RecordedResponse, answer: WebApiAnswer): WebApiAnswer {
    recorded.effect = 'rejected'
    if (answer.error !== undefined) recorded.error = answer.error
    return answer
  }

  private takeInjectedFailure(method: string, args: Record<string, unknown>): PendingFailure | undefined {
    const queue = this.pendingFailures.get(method)
    const pending = queue?.[0]
    if (queue === undefined || pending === undefined || !pending.matching(args)) return undefined
    pending.remaining -= 1
    if (pending.remaining <= 0) queue.shift()
    if (queue.length === 0) this.pendingFailures.delete(method)
    return pending
  }

  /** A 429 when the channel is past `options.rateLimit`; each call let through counts. */
  private rateLimited(method: string, args: Record<string, unknown>): PendingFailure | undefined {
    const limit = this.options.rateLimit
    if (limit === undefined || !limit.methods.includes(method) || typeof args.channel !== 'string') return undefined
    const now = Date.now()
    const recent = (this.recentCallsByChannel.get(args.channel) ?? []).filter((at) => at > now - limit.windowMs)
    this.recentCallsByChannel.set(args.channel, recent)
    if (recent.length < limit.calls) {
      recent.push(now)
      return undefined
    }
    const retryAfter = Math.max(1, Math.ceil((recent[0]! + limit.windowMs - now) / 1000))
    return { error: 'ratelimited', status: 429, retryAfter, remaining: 0, matching: () => true }
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) waiter()
  }
}

interface PendingFailure {
  error: string
  status: number
  retryAfter?: number
  remaining: number
  matching: (args: Record<string, unknown>) => boolean
}

interface ParsedArgs {
  args: Record<string, unknown>
  error?: string
}

function parseArgs(contentTypeHeader: string | undefined, rawBody: string, query: URLSearchParams): ParsedArgs {
  const contentType = (contentTypeHeader ?? '').split(';')[0]?.trim().toLowerCase()
  const args: Record<string, unknown> = Object.fromEntries(query)
  if (contentType === 'application/json') {
    if (rawBody.length === 0) return { args }
    try {
      const body: unknown = JSON.parse(rawBody)
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return { args, error: 'invalid_json' }
      return { args: { ...args, ...body } }
    } catch {
      return { args, error: 'invalid_json' }
    }
  }
  if (contentType === 'multipart/form-data') return { args, error: 'invalid_form_data' }
  for (const [key, value] of new URLSearchParams(rawBody)) args[key] = value
  // WebClient sends nested arguments as JSON strings inside the form.
  for (const key of JSON_ENCODED_ARGS) {
    const value = args[key]
    if (typeof value !== 'string') continue
    try {
      args[key] = JSON.parse(value)
    } catch {
      // Left as a string so the method answers invalid_blocks_format / invalid_arguments.
    }
  }
  return { args }
}

function contentOfResponse(body: Record<string, unknown>): MessageContent {
  const content: MessageContent = {}
  if (typeof body.text === 'string') content.text = body.text
  if (body.blocks !== undefined) content.blocks = body.blocks as SlackBlock[]
  if (Array.isArray(body.attachments)) content.attachments = body.attachments as Record<string, unknown>[]
  return content
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true'
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  response.end(JSON.stringify(body))
}
