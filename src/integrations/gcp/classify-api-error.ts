import { errorMessage } from '../../core/errors'
import { TelemetryQueryError } from '../../core/telemetry/port'
import { GCP_API_TITLES, type GcpApi } from './gcp-api'
import { GcpApiError } from './gcp-errors'

/** gRPC status codes by number, as google-gax reports them in `err.code`. */
const GRPC_STATUS = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const

const HTTP_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

/** Quota and overload answers: waiting helps. gRPC UNAVAILABLE is what an HTTP 503 is on the wire. */
const RETRYABLE = new Set(['RESOURCE_EXHAUSTED', 'UNAVAILABLE'])
/** The request itself is wrong (filter, metric type, window): retrying cannot help and the caller is told which. */
const QUERY_PROBLEMS = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'OUT_OF_RANGE', 'FAILED_PRECONDITION'])

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET'])

interface Classified {
  status: string
  message: string
  retryDelayMs: number | null
}

/**
 * Turns whatever google-gax (gRPC) or gaxios (REST) threw into a TelemetryQueryError for a
 * request the API rejected (naming what was asked) or a GcpApiError that says whether to retry.
 */
export function classifyApiError(api: GcpApi, err: unknown, asked: string): TelemetryQueryError | GcpApiError {
  if (err instanceof GcpApiError || err instanceof TelemetryQueryError) return err
  const c = fromRest(err) ?? fromGrpc(err) ?? fromNetwork(err) ?? { status: 'UNKNOWN', message: errorMessage(err), retryDelayMs: null }
  if (QUERY_PROBLEMS.has(c.status)) return new TelemetryQueryError(`${GCP_API_TITLES[api]} rejected ${asked}: ${c.message}`)
  return new GcpApiError(api, c.status, c.message, RETRYABLE.has(c.status), c.retryDelayMs)
}

function fromGrpc(err: unknown): Classified | null {
  const e = err as { code?: unknown; details?: unknown; message?: unknown; statusDetails?: unknown }
  if (typeof e?.code !== 'number' || e.code < 0 || e.code >= GRPC_STATUS.length) return null
  const status = GRPC_STATUS[e.code]!
  const message = typeof e.details === 'string' && e.details ? e.details : String(e.message ?? status)
  let retryDelayMs: number | null = null
  for (const detail of Array.isArray(e.statusDetails) ? e.statusDetails : []) {
    const delay = (detail as { retryDelay?: { seconds?: unknown; nanos?: unknown } } | null)?.retryDelay
    if (delay) retryDelayMs = Number(delay.seconds ?? 0) * 1000 + Math.round(Number(delay.nanos ?? 0) / 1e6)
  }
  return { status, message, retryDelayMs: Number.isFinite(retryDelayMs) ? retryDelayMs : null }
}

function fromRest(err: unknown): Classified | null {
  const e = err as { status?: unknown; response?: { status?: unknown; data?: unknown; headers?: unknown } }
  const httpStatus = typeof e?.response?.status === 'number' ? e.response.status : typeof e?.status === 'number' ? e.status : null
  if (httpStatus === null) return null
  const body = (e.response?.data as { error?: { status?: unknown; message?: unknown; details?: unknown } } | undefined)?.error
  const status = typeof body?.status === 'string' && body.status ? body.status : (HTTP_STATUS[httpStatus] ?? (httpStatus >= 500 ? 'INTERNAL' : 'UNKNOWN'))
  const message = typeof body?.message === 'string' && body.message ? body.message : `HTTP ${httpStatus}`
  let retryDelayMs: number | null = null
  for (const detail of Array.isArray(body?.details) ? body.details : []) {
    const d = detail as { '@type'?: unknown; retryDelay?: unknown }
    if (typeof d?.retryDelay === 'string') retryDelayMs = parseDuration(d.retryDelay)
  }
  retryDelayMs ??= retryAfterHeader(e.response?.headers)
  return { status: httpStatus === 503 ? 'UNAVAILABLE' : httpStatus === 429 ? 'RESOURCE_EXHAUSTED' : status, message, retryDelayMs }
}

function fromNetwork(err: unknown): Classified | null {
  const code = (err as { code?: unknown })?.code
  if (typeof code !== 'string' || !NETWORK_CODES.has(code)) return null
  return { status: 'UNAVAILABLE', message: `${code}: ${(err as Error).message}`, retryDelayMs: null }
}

/** google.protobuf.Duration in JSON: "1.5s". */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(text.trim())
  return m ? Math.round(Number(m[1]) * 1000) : null
}

function retryAfterHeader(headers: unknown): number | null {
  const raw =
    typeof (headers as Headers)?.get === 'function'
      ? (headers as Headers).get('retry-after')
      : (headers as Record<string, unknown> | undefined)?.['retry-after']
  if (typeof raw !== 'string' || raw === '') return null
  const seconds = Number(raw)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(raw)
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null
}
