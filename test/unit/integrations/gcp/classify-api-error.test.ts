import { describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../../src/core/telemetry/port'
import { classifyApiError, parseDuration } from '../../../../src/integrations/gcp/classify-api-error'
import type { GcpApiError } from '../../../../src/integrations/gcp/gcp-errors'

/** The shape gaxios gives a failed REST call: the HTTP status, the headers and Google's JSON error. */
function restError(status: number, body: unknown, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`Request failed with status code ${status}`), { status, response: { status, data: body, headers: new Headers(headers) } })
}

describe('classifyApiError', () => {
  it('makes a rejected request a query error that names what was asked', () => {
    const err = classifyApiError(
      'trace',
      restError(400, { error: { code: 400, message: 'Invalid filter', status: 'INVALID_ARGUMENT' } }),
      'traces.list filter +service.name:x',
    )
    expect(err).toBeInstanceOf(TelemetryQueryError)
    expect(err.message).toBe('Cloud Trace rejected traces.list filter +service.name:x: Invalid filter')
  })

  it('reads the delay of a 429 from Retry-After when there is no RetryInfo', () => {
    const err = classifyApiError(
      'error_reporting',
      restError(429, { error: { code: 429, message: 'Too many requests', status: 'RESOURCE_EXHAUSTED' } }, { 'retry-after': '7' }),
      'x',
    ) as GcpApiError
    expect(err).toMatchObject({ code: 'gcp_quota_exhausted', status: 'RESOURCE_EXHAUSTED', retryable: true, retryDelayMs: 7_000 })
  })

  it('treats a 503 without a body as retryable overload', () => {
    expect(classifyApiError('trace', restError(503, 'Service Unavailable'), 'x')).toMatchObject({ status: 'UNAVAILABLE', retryable: true, retryDelayMs: null })
  })

  it('treats a refused connection as the API being unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    expect(classifyApiError('error_reporting', refused, 'x')).toMatchObject({ status: 'UNAVAILABLE', retryable: true })
  })

  it('does not retry permission problems, and says which API refused', () => {
    const err = classifyApiError(
      'monitoring',
      Object.assign(new Error('7 PERMISSION_DENIED: Permission monitoring.timeSeries.list denied'), {
        code: 7,
        details: 'Permission monitoring.timeSeries.list denied',
      }),
      'x',
    ) as GcpApiError
    expect(err).toMatchObject({ code: 'gcp_permission_denied', retryable: false })
    expect(err.message).toBe('Cloud Monitoring: PERMISSION_DENIED: Permission monitoring.timeSeries.list denied')
  })
})

describe('parseDuration', () => {
  it('reads google.protobuf.Duration in JSON', () => {
    expect(parseDuration('1.5s')).toBe(1_500)
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('soon')).toBeNull()
  })
})
