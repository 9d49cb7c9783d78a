import { describe, expect, it } from 'vitest'
import { DEFAULT_FRESHNESS, ttlFor } from '../../../../../src/integrations/gcp/cache/freshness-ttl'
import { canonicalJson, quantizeWindow, requestKey } from '../../../../../src/integrations/gcp/cache/request-key'

describe('request keys', () => {
  it('do not depend on the order of fields', () => {
    const a = { filter: 'x', interval: { startTime: { seconds: 1 }, endTime: { seconds: 2 } }, pageSize: 10 }
    const b = { pageSize: 10, interval: { endTime: { seconds: 2 }, startTime: { seconds: 1 } }, filter: 'x' }
    expect(canonicalJson(a)).toBe(canonicalJson(b))
    expect(requestKey('monitoring', 'listTimeSeries', a)).toBe(requestKey('monitoring', 'listTimeSeries', b))
  })

  it('differ by API, method and any field', () => {
    const r = { filter: 'x', pageSize: 10 }
    const keys = new Set([
      requestKey('monitoring', 'listTimeSeries', r),
      requestKey('logging', 'listTimeSeries', r),
      requestKey('monitoring', 'other', r),
      requestKey('monitoring', 'listTimeSeries', { ...r, pageSize: 11 }),
    ])
    expect(keys.size).toBe(4)
  })

  it('widen a window to whole quanta, so requests a few seconds apart are the same request', () => {
    expect(quantizeWindow(Date.parse('2026-05-14T09:50:12Z'), Date.parse('2026-05-14T10:00:31Z'), 60_000)).toEqual({
      startMs: Date.parse('2026-05-14T09:50:00Z'),
      endMs: Date.parse('2026-05-14T10:01:00Z'),
    })
    expect(quantizeWindow(Date.parse('2026-05-14T09:50:00Z'), Date.parse('2026-05-14T10:00:00Z'), 60_000)).toEqual({
      startMs: Date.parse('2026-05-14T09:50:00Z'),
      endMs: Date.parse('2026-05-14T10:00:00Z'),
    })
  })
})

describe('TTLs by freshness', () => {
  const now = Date.parse('2026-05-14T10:00:00Z')

  it('keep an answer about the last minutes briefly, since data is still arriving', () => {
    expect(ttlFor(DEFAULT_FRESHNESS.monitoring, now, now)).toBe(60_000)
    expect(ttlFor(DEFAULT_FRESHNESS.logging, now - 60_000, now)).toBe(20_000)
  })

  it('keep an answer about a settled window long', () => {
    expect(ttlFor(DEFAULT_FRESHNESS.monitoring, now - 70 * 60_000, now)).toBe(60 * 60_000)
    expect(ttlFor(DEFAULT_FRESHNESS.trace, now - 11 * 60_000, now)).toBe(30 * 60_000)
  })

  it('never settle answers relative to now (Error Reporting periods)', () => {
    expect(ttlFor(DEFAULT_FRESHNESS.error_reporting, null, now)).toBe(60_000)
  })
})
