import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

export interface ServerWebSocketHandlers {
  onText(text: string): void
  /** Called once, when the TCP socket is gone; `code` is the peer's close code when it sent one. */
  onClose(code: number | undefined): void
}

// RFC 6455 §1.3: the GUID appended to Sec-WebSocket-Key.
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const

const CLOSE_CODE = { normal: 1000, goingAway: 1001, protocolError: 1002, unsupportedData: 1003, tooBig: 1009 } as const

/**
 * The server end of one WebSocket (RFC 6455) on an upgraded node:http socket: text messages,
 * fragmentation, ping→pong and the close handshake. Enough to speak Socket Mode to undici's client;
 * no extensions (permessage-deflate is not negotiated, so the client never compresses).
 */
export class ServerWebSocket {
  private buffered: Buffer = Buffer.alloc(0)
  private fragments: Buffer[] = []
  private fragmentOpcode: number | undefined
  private closeSent = false
  private closed = false
  private peerCloseCode: number | undefined

  private constructor(
    private readonly socket: Duplex,
    private readonly handlers: ServerWebSocketHandlers,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', () => socket.destroy())
    socket.on('close', () => {
      this.closed = true
      this.handlers.onClose(this.peerCloseCode)
    })
  }

  /** Completes the opening handshake of an `upgrade` request; answers 400 and returns undefined when it is not a WebSocket request. */
  static accept(request: IncomingMessage, socket: Duplex, head: Buffer, handlers: ServerWebSocketHandlers): ServerWebSocket | undefined {
    const key = request.headers['sec-websocket-key']
    const isWebSocket = request.headers.upgrade?.toLowerCase() === 'websocket' && request.headers['sec-websocket-version'] === '13'
    if (!isWebSocket || typeof key !== 'string') {
      rejectUpgrade(socket, 400, 'Bad Request')
      return undefined
    }
    const acceptKey = createHash('sha1')
      .update(key + HANDSHAKE_GUID)
      .digest('base64')
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey}`, '', ''].join('\r\n'))
    const connection = new ServerWebSocket(socket, handlers)
    if (head.length > 0) connection.receive(head)
    return connection
  }

  get isOpen(): boolean {
    return !this.closed && !this.closeSent
  }

  sendText(text: string): void {
    if (!this.isOpen) return
    this.socket.write(encodeFrame(OPCODE.text, Buffer.from(text, 'utf8')))
  }

  /** Starts the close handshake; the socket ends when the peer answers (or at `terminate`). */
  close(code: number = CLOSE_CODE.normal, reason = ''): void {
    if (this.closed || this.closeSent) return
    this.closeSent = true
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason))
    payload.writeUInt16BE(code, 0)
    payload.write(reason, 2, 'utf8')
    this.socket.write(encodeFrame(OPCODE.close, payload))
  }

  /** Drops the TCP connection without waiting for the peer. */
  terminate(): void {
    this.closed = true
    this.socket.destroy()
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk])
    for (;;) {
      const frame = decodeFrame(this.buffered)
      if (frame === 'incomplete') return
      if (frame === 'unmasked' || frame === 'too_big') {
        this.close(frame === 'too_big' ? CLOSE_CODE.tooBig : CLOSE_CODE.protocolError)
        this.socket.end()
        return
      }
      this.buffered = this.buffered.subarray(frame.length)
      this.handleFrame(frame.fin, frame.opcode, frame.payload)
      if (this.closed) return
    }
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OPCODE.ping:
        if (!this.closeSent) this.socket.write(encodeFrame(OPCODE.pong, payload))
        return
      case OPCODE.pong:
        return
      case OPCODE.close:
        this.peerCloseCode = payload.length >= 2 ? payload.readUInt16BE(0) : undefined
        // Echo the close (RFC 6455 §5.5.1), then end: the client waits for this before it tears down.
        if (!this.closeSent) {
          this.closeSent = true
          this.socket.write(encodeFrame(OPCODE.close, payload.subarray(0, 2)))
        }
        this.socket.end()
        return
      case OPCODE.text:
      case OPCODE.binary:
        this.fragments = [payload]
        this.fragmentOpcode = opcode
        break
      case OPCODE.continuation:
        if (this.fragmentOpcode === undefined) {
          this.failProtocol()
          return
        }
        this.fragments.push(payload)
        break
      default:
        this.failProtocol()
        return
    }
    if (!fin) return
    const message = Buffer.concat(this.fragments)
    const messageOpcode = this.fragmentOpcode
    this.fragments = []
    this.fragmentOpcode = undefined
    if (messageOpcode === OPCODE.binary) {
      this.close(CLOSE_CODE.unsupportedData, 'text frames only')
      return
    }
    this.handlers.onText(message.toString('utf8'))
  }

  private failProtocol(): void {
    this.close(CLOSE_CODE.protocolError)
    this.socket.end()
  }
}

/** Answers an upgrade request with a plain HTTP error and drops the socket. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

interface DecodedFrame {
  fin: boolean
  opcode: number
  payload: Buffer
  /** Bytes the frame took in the buffer. */
  length: number
}

function decodeFrame(buffer: Buffer): DecodedFrame | 'incomplete' | 'unmasked' | 'too_big' {
  if (buffer.length < 2) return 'incomplete'
  const first = buffer[0]!
  const second = buffer[1]!
  // Clients must mask every frame (RFC 6455 §5.1).
  if ((second & 0x80) === 0) return 'unmasked'
  let offset = 2
  let payloadLength = second & 0x7f
  if (payloadLength === 126) {
    if (buffer.length < offset + 2) return 'incomplete'
    payloadLength = buffer.readUInt16BE(offset)
    offset += 2
  } else if (payloadLength === 127) {
    if (buffer.length < offset + 8) return 'incomplete'
    const long = buffer.readBigUInt64BE(offset)
    if (long > BigInt(MAX_MESSAGE_BYTES)) return 'too_big'
    payloadLength = Number(long)
    offset += 8
  }
  if (payloadLength > MAX_MESSAGE_BYTES) return 'too_big'
  if (buffer.length < offset + 4 + payloadLength) return 'incomplete'
  const mask = buffer.subarray(offset, offset + 4)
  offset += 4
  const payload = Buffer.from(buffer.subarray(offset, offset + payloadLength))
  for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ mask[i % 4]!
  return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload, length: offset + payloadLength }
}

/** A single unmasked frame, as a server sends it. */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  let header: Buffer
  if (payload.length < 126) {
    header = Buffer.from([0x80 | opcode, payload.length])
  } else if (payload.length <= 0xffff) {
    header = Buffer.alloc(4)
    header[0] = 0x80 | opcode
    header[1] = 126
    header.writeUInt16BE(payload.length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = 0x80 | opcode
    header[1] = 127
    header.writeBigUInt64BE(BigInt(payload.length), 2)
  }
  return Buffer.concat([header, payload])
}
