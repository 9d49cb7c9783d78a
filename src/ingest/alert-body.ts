import type { IncomingMessage } from 'node:http'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { CodedError } from '../core/errors'

const gunzipAsync = promisify(gunzip)

export interface ReceivedBody {
  /** The bytes as received, up to the limit. */
  bytes: Buffer
  truncated: boolean
}

/** Reads the request's bytes, keeping at most `limit` of them. */
export function readBody(req: IncomingMessage, limit: number): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let truncated = false
    req.on('data', (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        if (!truncated) chunks.push(chunk.subarray(0, limit - size))
        truncated = true
      } else chunks.push(chunk)
      size += chunk.length
    })
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks), truncated }))
    req.on('error', reject)
  })
}

/**
 * The body as text: gzip decoded (at most `limit` bytes once inflated), invalid UTF-8 replaced, a leading
 * byte order mark dropped. Throws alert_body_encoding_unsupported, alert_body_undecodable or alert_body_too_large.
 */
export async function decodeBody(bytes: Buffer, contentEncoding: string | undefined, limit: number): Promise<string> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase()
  let decoded = bytes
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    try {
      decoded = await gunzipAsync(bytes, { maxOutputLength: limit })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new CodedError('alert_body_too_large', `the body inflates past ${limit} bytes`)
      throw new CodedError('alert_body_undecodable', `the body is not valid gzip: ${(err as Error).message}`)
    }
  } else if (encoding !== 'identity' && encoding !== '') {
    throw new CodedError('alert_body_encoding_unsupported', `Content-Encoding ${encoding} is not supported (send gzip or none)`)
  }
  return decoded.toString('utf8').replace(/^\uFEFF/, '')
}

// Postgres refuses NUL in text and jsonb, and lone surrogates in jsonb; Slack mangles both.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Text Postgres can store: NUL removed, a lone surrogate replaced with U+FFFD. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, (c) => (c === '\u0000' ? '' : '\uFFFD'))
}

/** A parsed JSON value whose every string and key is storableText. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value)
  if (Array.isArray(value)) return value.map(storableJson)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, v]) => [storableText(key), storableJson(v)]))
  return value
}
