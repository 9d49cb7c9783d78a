import { describe, expect, it } from 'vitest'
import { computeResponseTimes, type ResponseMoments } from '../../../../src/core/incidents/response-times'

const T0 = new Date('2026-03-01T09:00:00Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)
const moments = (m: Partial<ResponseMoments>): ResponseMoments => ({
  startedAt: T0,
  detectedAt: null,
  acknowledgedAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  ...m,
})

describe('computeResponseTimes', () => {
  it('measures acknowledgement, mitigation and resolution from the start', () => {
    expect(computeResponseTimes(moments({ acknowledgedAt: at(90), mitigatedAt: at(600), resolvedAt: at(1800) }))).toEqual({
      ttaSeconds: 90,
      ttmSeconds: 600,
      ttrSeconds: 1800,
    })
  })

  it('says unknown (null), not zero, for every time not recorded', () => {
    expect(computeResponseTimes(moments({}))).toEqual({ ttaSeconds: null, ttmSeconds: null, ttrSeconds: null })
    expect(computeResponseTimes(moments({ startedAt: null, acknowledgedAt: at(5), resolvedAt: at(50) }))).toEqual({
      ttaSeconds: null,
      ttmSeconds: null,
      ttrSeconds: null,
    })
  })

  it('keeps a real zero: acknowledged in the second it fired', () => {
    expect(computeResponseTimes(moments({ acknowledgedAt: T0 })).ttaSeconds).toBe(0)
  })

  it('gives null for a time before its start instead of a negative or a clamped zero', () => {
    expect(computeResponseTimes(moments({ acknowledgedAt: at(-30), mitigatedAt: at(-1), resolvedAt: at(-60) }))).toEqual({
      ttaSeconds: null,
      ttmSeconds: null,
      ttrSeconds: null,
    })
  })

  it('gives no time to mitigate for a mitigation recorded after the resolution', () => {
    expect(computeResponseTimes(moments({ mitigatedAt: at(900), resolvedAt: at(600) }))).toMatchObject({ ttmSeconds: null, ttrSeconds: 600 })
  })

  it('counts mitigation and resolution from an earlier detection, acknowledgement from the alert', () => {
    const times = computeResponseTimes(moments({ detectedAt: at(-300), acknowledgedAt: at(60), mitigatedAt: at(300), resolvedAt: at(900) }))
    expect(times).toEqual({ ttaSeconds: 60, ttmSeconds: 600, ttrSeconds: 1200 })
  })

  it('ignores a detection later than the alert (the alert was the first sign)', () => {
    expect(computeResponseTimes(moments({ detectedAt: at(120), resolvedAt: at(600) })).ttrSeconds).toBe(600)
  })

  it('treats an invalid date as missing', () => {
    expect(computeResponseTimes(moments({ acknowledgedAt: new Date(Number.NaN), resolvedAt: at(10) }))).toMatchObject({ ttaSeconds: null, ttrSeconds: 10 })
  })

  it('rounds to whole seconds', () => {
    expect(computeResponseTimes(moments({ acknowledgedAt: new Date(T0.getTime() + 1499) })).ttaSeconds).toBe(1)
  })
})
