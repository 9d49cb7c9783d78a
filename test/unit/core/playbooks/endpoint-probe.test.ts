import { describe, expect, it } from 'vitest'
import { judgeCheck, probeRequestFor } from '../../../../src/core/playbooks/endpoint-probe'
import type { CheckStep } from '../../../../src/core/playbooks/schema'

const step = (overrides: Partial<CheckStep> = {}): CheckStep => ({ id: 'health', kind: 'check', title: 'Health', method: 'GET', url: '{{url}}', ...overrides })
const url = 'http://svc/health'

describe('a check step', () => {
  it('is healthy on any 2xx or 3xx by default', () => {
    expect(judgeCheck(step(), url, { status: 302, body: null })).toEqual({ healthy: true, summary: 'GET http://svc/health → 302 → healthy' })
    expect(judgeCheck(step(), url, { status: 503, body: null }).healthy).toBe(false)
  })

  it('accepts only the expected statuses when given', () => {
    expect(judgeCheck(step({ expectStatus: [204] }), url, { status: 200, body: null }).healthy).toBe(false)
  })

  it('reads the body only when it looks for text in it, and says whether it was there', () => {
    expect(probeRequestFor(step({ contains: 'ok' }), url, 1000)).toEqual({ method: 'GET', url, timeoutMs: 1000, readBody: true })
    expect(probeRequestFor(step({ method: 'HEAD', contains: 'ok' }), url, 1000).readBody).toBe(false)
    const verdict = judgeCheck(step({ contains: 'ok' }), url, { status: 200, body: 'status: down' })
    expect(verdict).toEqual({ healthy: false, summary: 'GET http://svc/health → 200, body lacks "ok" → unhealthy' })
  })
})
