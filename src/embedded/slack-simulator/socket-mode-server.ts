import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { z } from 'zod'
import { CodedError } from '../../core/errors'
import { FAKE_WORKSPACE } from './fake-workspace'
import { rejectUpgrade, ServerWebSocket } from './server-websocket'

export type SocketEnvelopeType = 'slash_commands' | 'interactive' | 'events_api'

/** What Slack pushes over the socket for each request it would otherwise POST to the app. */
export interface SocketEnvelope {
  envelope_id: string
  type: SocketEnvelopeType
  payload: object
  accepts_response_payload: boolean
  retry_attempt?: number
  retry_reason?: string
}

/** The app's acknowledgement: the envelope id and, for a slash command or a view submission, the response. */
export interface SocketAck {
  envelope_id: string
  payload?: Record<string, unknown>
}

export interface RecordedSocketAck {
  ack: SocketAck
  /** The envelope acknowledged; undefined when the app acked an id that was never sent. */
  envelope: SocketEnvelope | undefined
  at: Date
}

export interface SocketEnvelopeOptions {
  /** How long to wait for the ack; defaults to 3000 ms, Slack's own limit. */
  timeoutMs?: number
  /** Defaults to what Slack sends: true for slash commands, view submissions and block suggestions. */
  acceptsResponsePayload?: boolean
}

const SLACK_ACK_WINDOW_MS = 3000

const ackMessage = z.object({ envelope_id: z.string().min(1), payload: z.record(z.string(), z.unknown()).optional() })

interface PendingAck {
  envelope: SocketEnvelope
  resolve(ack: SocketAck): void
}

/**
 * Slack's Socket Mode side: hands out single-use connection URLs for apps.connections.open,
 * accepts the WebSocket at `/link/?ticket=…`, greets with `hello`, pushes envelopes and
 * records the acks, as `@slack/socket-mode` expects.
 */
export class FakeSocketModeServer {
  private readonly tickets = new Set<string>()
  private readonly connections: ServerWebSocket[] = []
  private readonly pending = new Map<string, PendingAck>()
  private readonly recordedAcks: RecordedSocketAck[] = []
  private readonly sentEnvelopes: SocketEnvelope[] = []

  /** `onChange` runs after every recorded ack, so the fake's waiters re-check. */
  constructor(private readonly onChange: () => void) {}

  /** A fresh `ws://…/link/?ticket=…` URL under `baseUrl`, valid for one connection. */
  issueUrl(baseUrl: string): string {
    const ticket = randomUUID()
    this.tickets.add(ticket)
    const url = new URL('/link/', baseUrl.replace(/^http/, 'ws'))
    url.searchParams.set('ticket', ticket)
    url.searchParams.set('app_id', FAKE_WORKSPACE.appId)
    return url.toString()
  }

  /** Handles an HTTP `upgrade`; anything but `/link/` with an unused ticket is refused. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'ws://fake-slack.invalid')
    const ticket = url.searchParams.get('ticket')
    if (url.pathname !== '/link/') {
      rejectUpgrade(socket, 404, 'Not Found')
      return
    }
    if (ticket === null || !this.tickets.delete(ticket)) {
      rejectUpgrade(socket, 401, 'Unauthorized')
      return
    }
    const connection = ServerWebSocket.accept(request, socket, head, {
      onText: (text) => this.receive(text),
      onClose: () => this.forget(connection),
    })
    if (connection === undefined) return
    this.connections.push(connection)
    connection.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections().length,
        debug_info: { host: 'applink-simulated', build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: FAKE_WORKSPACE.appId },
      }),
    )
  }

  /**
   * Pushes an envelope to the newest open connection; resolves with the app's ack, rejects with
   * `slack_simulator_no_socket` when no app is connected or `slack_simulator_timeout` without an ack.
   */
  send(type: SocketEnvelopeType, payload: object, options: SocketEnvelopeOptions = {}): Promise<SocketAck> {
    const connection = this.openConnections().at(-1)
    if (connection === undefined) return Promise.reject(new CodedError('slack_simulator_no_socket', 'No app is connected over Socket Mode'))
    const envelope: SocketEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? acceptsResponsePayload(type, payload),
    }
    if (type === 'events_api') Object.assign(envelope, { retry_attempt: 0, retry_reason: '' })
    const timeoutMs = options.timeoutMs ?? SLACK_ACK_WINDOW_MS
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.envelope_id)
        reject(new CodedError('slack_simulator_timeout', `No ack for ${type} envelope ${envelope.envelope_id} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(envelope.envelope_id, {
        envelope,
        resolve: (ack) => {
          clearTimeout(timer)
          resolve(ack)
        },
      })
      this.sentEnvelopes.push(envelope)
      connection.sendText(JSON.stringify(envelope))
    })
  }

  get acks(): readonly RecordedSocketAck[] {
    return this.recordedAcks
  }

  get envelopes(): readonly SocketEnvelope[] {
    return this.sentEnvelopes
  }

  get connectionCount(): number {
    return this.openConnections().length
  }

  clear(): void {
    this.recordedAcks.length = 0
    this.sentEnvelopes.length = 0
  }

  /** Sends a close frame to every app and drops the sockets, as a Slack shutdown would. */
  closeAll(): void {
    for (const connection of [...this.connections]) {
      connection.close(1001, 'server shutting down')
      connection.terminate()
    }
    this.connections.length = 0
    this.tickets.clear()
  }

  private receive(text: string): void {
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      return
    }
    const parsed = ackMessage.safeParse(message)
    if (!parsed.success) return
    const ack: SocketAck = { envelope_id: parsed.data.envelope_id }
    if (parsed.data.payload !== undefined) ack.payload = parsed.data.payload
    const pending = this.pending.get(ack.envelope_id)
    this.pending.delete(ack.envelope_id)
    const envelope = pending?.envelope ?? this.sentEnvelopes.find((sent) => sent.envelope_id === ack.envelope_id)
    this.recordedAcks.push({ ack, envelope, at: new Date() })
    pending?.resolve(ack)
    this.onChange()
  }

  private forget(connection: ServerWebSocket | undefined): void {
    const index = connection === undefined ? -1 : this.connections.indexOf(connection)
    if (index >= 0) this.connections.splice(index, 1)
  }

  private openConnections(): ServerWebSocket[] {
    return this.connections.filter((connection) => connection.isOpen)
  }
}

function acceptsResponsePayload(type: SocketEnvelopeType, payload: object): boolean {
  if (type === 'slash_commands') return true
  if (type === 'events_api') return false
  const interactionType = (payload as { type?: unknown }).type
  return interactionType === 'view_submission' || interactionType === 'block_suggestion'
}
