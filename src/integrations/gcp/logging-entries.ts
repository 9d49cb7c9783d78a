import { z } from 'zod'
import type { LogSeverity } from '../../core/telemetry/port'
import type { CallApi } from './api-call-gate'
import type { GcpClients } from './gcp-clients'
import { redactSecrets } from './redact-secrets'
import { parseResponse, protoTimestampSchema, timestampMs } from './response-fields'

const MAX_MESSAGE_CHARS = 2_000

/** google.protobuf.Value as google-gax decodes a Struct field. */
const structValueSchema: z.ZodType<{ stringValue?: string | null; numberValue?: number | null; boolValue?: boolean | null }> = z.looseObject({
  stringValue: z.string().nullish(),
  numberValue: z.number().nullish(),
  boolValue: z.boolean().nullish(),
})

const logEntrySchema = z.object({
  timestamp: protoTimestampSchema.nullish(),
  receiveTimestamp: protoTimestampSchema.nullish(),
  severity: z.union([z.string(), z.number()]).nullish(),
  textPayload: z.string().nullish(),
  jsonPayload: z.object({ fields: z.record(z.string(), structValueSchema).nullish() }).nullish(),
  protoPayload: z.object({ type_url: z.string().nullish(), typeUrl: z.string().nullish() }).loose().nullish(),
  trace: z.string().nullish(),
})
const listLogEntriesResponseSchema = z.object({ entries: z.array(logEntrySchema), nextPageToken: z.string().nullish() })

/** What is cached: redacted already, so nothing secret is stored. */
export interface CachedLogEntry {
  atMs: number
  severity: LogSeverity
  message: string
  traceId?: string
}

/** LogSeverity names and numbers of google.logging.type, folded into the port's five. */
const SEVERITY: Record<string, LogSeverity> = {
  DEFAULT: 'INFO',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  NOTICE: 'INFO',
  WARNING: 'WARNING',
  ERROR: 'ERROR',
  CRITICAL: 'CRITICAL',
  ALERT: 'CRITICAL',
  EMERGENCY: 'CRITICAL',
  0: 'INFO',
  100: 'DEBUG',
  200: 'INFO',
  300: 'INFO',
  400: 'WARNING',
  500: 'ERROR',
  600: 'CRITICAL',
  700: 'CRITICAL',
  800: 'CRITICAL',
}

export interface LogEntriesRequest {
  resourceNames: string[]
  filter: string
  orderBy: 'timestamp desc'
  pageSize: number
}

/** Entries newest first; `more` when Cloud Logging had older ones left (a page token) when the fetch stopped. */
export interface FetchedLogEntries {
  entries: CachedLogEntry[]
  more: boolean
}

/**
 * Pages of listLogEntries (each page one call against the quota), up to `maxPages`, until `limit` items were kept:
 * `keep` turns an entry into an item or skips it. `more` when Cloud Logging had entries left when it stopped.
 */
export async function pageLogEntries<S extends z.ZodType<{ entries: E[]; nextPageToken?: string | null }>, E, T>(
  clients: GcpClients,
  call: CallApi,
  request: { filter: string; pageSize: number } & Record<string, unknown>,
  page: { schema: S; limit: number; maxPages: number; keep: (entry: E) => T | null },
): Promise<{ items: T[]; more: boolean }> {
  const out: T[] = []
  let pageToken: string | undefined
  for (let n = 0; n < page.maxPages && out.length < page.limit; n++) {
    const pageRequest = { ...request, pageSize: Math.min(request.pageSize, page.limit - out.length), ...(pageToken ? { pageToken } : {}) }
    const [, , raw] = await call(
      (timeout) => clients.logging.listLogEntries(pageRequest, { autoPaginate: false, retry: null, timeout }),
      `listLogEntries filter ${request.filter}`,
    )
    const response = parseResponse('logging', 'listLogEntries', page.schema, raw) as z.infer<S>
    for (const entry of response.entries) {
      const item = page.keep(entry)
      if (item !== null) out.push(item)
    }
    pageToken = response.nextPageToken || undefined
    if (!pageToken) break
  }
  return { items: out.slice(0, page.limit), more: pageToken !== undefined || out.length > page.limit }
}

/** Newest entries first, up to `limit`, following page tokens (each page is one call against the quota) up to `maxPages`. */
export async function fetchLogEntries(
  clients: GcpClients,
  call: CallApi,
  request: LogEntriesRequest,
  limit: number,
  maxPages: number,
): Promise<FetchedLogEntries> {
  const { items, more } = await pageLogEntries(
    clients,
    call,
    { ...request },
    {
      schema: listLogEntriesResponseSchema,
      limit,
      maxPages,
      keep: (entry: z.infer<typeof logEntrySchema>) => {
        const at = entry.timestamp ?? entry.receiveTimestamp
        if (!at) return null
        const item: CachedLogEntry = {
          atMs: timestampMs(at),
          severity: SEVERITY[String(entry.severity ?? 'DEFAULT')] ?? 'INFO',
          message: redactSecrets(messageOf(entry)).slice(0, MAX_MESSAGE_CHARS),
        }
        const traceId = entry.trace ? entry.trace.slice(entry.trace.lastIndexOf('/') + 1) : ''
        if (traceId) item.traceId = traceId
        return item
      },
    },
  )
  return { entries: items, more }
}

function messageOf(entry: z.infer<typeof logEntrySchema>): string {
  if (entry.textPayload) return entry.textPayload
  const fields = entry.jsonPayload?.fields
  if (fields) {
    for (const key of ['message', 'msg', 'error', 'err', 'textPayload']) {
      const v = fields[key]
      if (v?.stringValue) return v.stringValue
    }
    return Object.entries(fields)
      .map(([k, v]) => `${k}=${v.stringValue ?? v.numberValue ?? v.boolValue ?? '…'}`)
      .join(' ')
  }
  const type = entry.protoPayload?.type_url ?? entry.protoPayload?.typeUrl
  return type ? `(${type.slice(type.lastIndexOf('/') + 1)} entry)` : ''
}
