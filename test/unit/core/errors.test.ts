import { afterEach, describe, expect, it, vi } from 'vitest'
import { readFlags, UsageError } from '../../../src/commands/command'
import { ConfigError, loadConfig } from '../../../src/config'
import { DeadlineExceeded, withDeadline } from '../../../src/core/deadline'
import { CodedError, errorMessage, hasErrorCode, isCodedError, isErrorCode, PermanentJobError, ValidationError } from '../../../src/core/errors'
import { MetricNotExportedError, TelemetryQueryError } from '../../../src/core/telemetry/port'

function thrownBy(run: () => unknown): unknown {
  try {
    run()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

describe('hasErrorCode', () => {
  it('is true only for a CodedError carrying that code', () => {
    const err: unknown = new TelemetryQueryError('no such metric')
    expect(hasErrorCode(err, 'telemetry_query_invalid')).toBe(true)
    expect(hasErrorCode(err, 'deadline_exceeded')).toBe(false)
  })

  it('is false for errors that merely have a code property, and for non-errors', () => {
    expect(hasErrorCode(Object.assign(new Error('x'), { code: 'telemetry_query_invalid' }), 'telemetry_query_invalid')).toBe(false)
    expect(hasErrorCode({ code: 'telemetry_query_invalid' }, 'telemetry_query_invalid')).toBe(false)
    expect(hasErrorCode(undefined, 'telemetry_query_invalid')).toBe(false)
    expect(hasErrorCode('telemetry_query_invalid', 'telemetry_query_invalid')).toBe(false)
  })

  it('narrows the error so its code and details read without a cast', () => {
    const err: unknown = new CodedError('incident_not_found', 'incident 7 does not exist', { id: 7 })
    if (!hasErrorCode(err, 'incident_not_found')) throw new Error('expected incident_not_found')
    const code: 'incident_not_found' = err.code
    expect([code, err.details]).toEqual(['incident_not_found', { id: 7 }])
  })

  it('accepts only known codes', () => {
    // @ts-expect-error a code not in ErrorCode does not compile
    expect(hasErrorCode(new Error('x'), 'telemetry_query_invalidd')).toBe(false)
  })
})

describe('isCodedError', () => {
  it('tells coded errors from others', () => {
    expect(isCodedError(new ValidationError('body.title is required', 'title'))).toBe(true)
    expect(isCodedError(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe(false)
    expect(isCodedError(null)).toBe(false)
  })
})

describe('isErrorCode', () => {
  it('knows our codes and no others', () => {
    expect(isErrorCode('gcp_quota_exhausted')).toBe(true)
    expect(isErrorCode('ECONNRESET')).toBe(false)
    expect(isErrorCode(14)).toBe(false)
  })
})

describe('the typed errors', () => {
  afterEach(() => vi.useRealTimers())

  it('TelemetryQueryError and MetricNotExportedError carry telemetry_query_invalid', () => {
    const query = new TelemetryQueryError('Cloud Monitoring rejected the filter')
    const notExported = new MetricNotExportedError('cart', 'pubsub_backlog', 'cart does not export pubsub_backlog')
    expect(query).toBeInstanceOf(CodedError)
    expect(query).toMatchObject({ code: 'telemetry_query_invalid', name: 'TelemetryQueryError', message: 'Cloud Monitoring rejected the filter' })
    expect(notExported).toMatchObject({ code: 'telemetry_query_invalid', name: 'MetricNotExportedError', service: 'cart', metric: 'pubsub_backlog' })
    expect(hasErrorCode(notExported, 'telemetry_query_invalid')).toBe(true)
  })

  it('DeadlineExceeded carries deadline_exceeded', async () => {
    vi.useFakeTimers()
    const late = withDeadline(new Promise(() => undefined), 2_000, 'the metric query')
    const settled = late.catch((err: unknown) => err)
    await vi.advanceTimersByTimeAsync(2_000)
    const err = await settled
    expect(err).toBeInstanceOf(DeadlineExceeded)
    expect(err).toMatchObject({ code: 'deadline_exceeded', name: 'DeadlineExceeded', message: 'the metric query gave no answer within 2 s' })
    expect(hasErrorCode(err, 'deadline_exceeded')).toBe(true)
  })

  it('ConfigError carries config_invalid and its problems', () => {
    const err = thrownBy(() => loadConfig({ REDIS_URL: 'localhost:6379' }))
    expect(err).toBeInstanceOf(ConfigError)
    expect(err).toMatchObject({ code: 'config_invalid', name: 'ConfigError', problems: ['REDIS_URL: must start with redis:// or rediss://'] })
    expect((err as ConfigError).message).toBe('Invalid configuration:\n  - REDIS_URL: must start with redis:// or rediss://')
    expect(hasErrorCode(err, 'config_invalid')).toBe(true)
  })

  it('UsageError carries usage', () => {
    const err = thrownBy(() => readFlags(['--out'], { out: { required: true } }))
    expect(err).toBeInstanceOf(UsageError)
    expect(err).toMatchObject({ code: 'usage', message: '--out needs a value' })
    expect(hasErrorCode(err, 'usage')).toBe(true)
  })

  it('ValidationError and PermanentJobError keep their codes', () => {
    expect(new ValidationError('x', 'title')).toMatchObject({ code: 'validation_failed', name: 'ValidationError', field: 'title' })
    expect(new PermanentJobError('no such incident')).toMatchObject({ code: 'permanent_job_failure', name: 'PermanentJobError' })
  })
})

describe('errorMessage', () => {
  it("gives an Error's own message, not its name or stack", () => {
    expect(errorMessage(new TelemetryQueryError('Cloud Monitoring rejected the filter'))).toBe('Cloud Monitoring rejected the filter')
    expect(errorMessage(new Error(''))).toBe('')
  })

  it('gives anything else thrown as text', () => {
    expect(errorMessage('socket hang up')).toBe('socket hang up')
    expect(errorMessage(404)).toBe('404')
    expect(errorMessage(undefined)).toBe('undefined')
    expect(errorMessage({ message: 'not an Error' })).toBe('[object Object]')
  })

  it('gives the outer message unless asked for the root cause', () => {
    const driver = new Error('connect ECONNREFUSED 127.0.0.1:5432')
    const wrapped = new Error('Failed query: select 1', { cause: new Error('pool error', { cause: driver }) })
    expect(errorMessage(wrapped)).toBe('Failed query: select 1')
    expect(errorMessage(wrapped, { rootCause: true })).toBe('connect ECONNREFUSED 127.0.0.1:5432')
  })

  it('stops at the last Error when the cause is not one', () => {
    expect(errorMessage(new Error('outer', { cause: 'a string cause' }), { rootCause: true })).toBe('outer')
    expect(errorMessage('plain', { rootCause: true })).toBe('plain')
  })
})
