import { z } from 'zod'
import type { GcpApi } from './gcp-api'
import { GcpResponseInvalidError } from './gcp-errors'

/** google.protobuf.Timestamp as google-gax decodes it (int64 seconds as a string). */
export const protoTimestampSchema = z.object({
  seconds: z.union([z.string().regex(/^-?\d+$/), z.number().int()]),
  nanos: z.number().int().nullish(),
})

export function timestampMs(t: z.infer<typeof protoTimestampSchema>): number {
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)
}

/** An RFC 3339 timestamp as the REST APIs write them (up to nanoseconds). */
export const rfc3339Schema = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an RFC 3339 timestamp')

/** An int64 in JSON (a string), or a number from a lenient server. */
export const int64Schema = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(Number)

/** Validates an API answer: a shape the documentation does not promise is a missing source, not a crash. */
export function parseResponse<S extends z.ZodType>(api: GcpApi, method: string, schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new GcpResponseInvalidError(api, method, `${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  return parsed.data
}

/** Microseconds since the epoch of an RFC 3339 timestamp; Date.parse keeps milliseconds only. */
export function rfc3339Micros(text: string): number {
  const fraction = /T\d\d:\d\d:\d\d\.(\d+)/.exec(text)?.[1] ?? ''
  return Date.parse(text) * 1000 + Number(`${fraction}000000`.slice(3, 6))
}
