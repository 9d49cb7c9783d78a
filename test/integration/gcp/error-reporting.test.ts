import { describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../src/core/telemetry/port'
import { GcpApiError, GcpResponseInvalidError } from '../../../src/integrations/gcp/gcp-errors'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { fakeGoogleAuth } from '../../fakes/gcp/fake-gcp'
import type { FakeErrorEvent } from '../../fakes/gcp/fake-error-reporting-server'
import { useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'

const MINUTE = 60_000
const NOW = Date.parse('2026-05-14T10:00:00Z')
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')

function events(groupId: string, service: string, minutesAgo: number[], message: string): FakeErrorEvent[] {
  return minutesAgo.map((m) => ({ groupId, service, atMs: NOW - m * MINUTE, message }))
}

describe('Error Reporting read API through google-auth-library', () => {
  const gcp = useFakeGcp({
    harness: { catalog, telemetry: { now: () => NOW } },
    started: (fake) => {
      fake.errorReporting.now = () => NOW
    },
    reset: (fake) => fake.errorReporting.controls.reset(),
  })
  const telemetry = (auth?: ReturnType<typeof fakeGoogleAuth>) => gcp.telemetry({ auth })

  it('lists group stats for the service over the shortest period that covers the window, counting only the window', async () => {
    gcp.fake.errorReporting.events = [
      ...events('pool-timeout', 'payment-api', [1, 2, 3, 4, 5, 6, 7, 8], 'Error: timeout acquiring connection from pool\n    at Pool.acquire (pool.js:88)'),
      ...events('pool-timeout', 'payment-api', [600], 'Error: timeout acquiring connection from pool'),
      ...events('npe', 'payment-api', [20, 45], "TypeError: Cannot read properties of undefined (reading 'amount') for bob@example.com"),
      ...events('other', 'cart', [1, 2], 'Error: not this service'),
    ]
    const groups = await telemetry().errors({ service: 'payment-api', start: new Date(NOW - 30 * MINUTE), end: new Date(NOW) })
    expect(gcp.fake.errorReporting.controls.callsTo('groupStats.list')[0]!.request).toEqual({
      'timeRange.period': 'PERIOD_1_HOUR',
      'serviceFilter.service': 'payment-api',
      timedCountDuration: '60s',
      alignment: 'ALIGNMENT_EQUAL_AT_END',
      order: 'COUNT_DESC',
      pageSize: '100',
    })
    expect(groups).toEqual([
      {
        groupId: 'pool-timeout',
        service: 'payment-api',
        message: 'Error: timeout acquiring connection from pool',
        count: 8,
        firstSeen: new Date(NOW - 600 * MINUTE),
        lastSeen: new Date(NOW - MINUTE),
      },
      {
        groupId: 'npe',
        service: 'payment-api',
        message: "TypeError: Cannot read properties of undefined (reading 'amount') for [redacted-email]",
        count: 1,
        firstSeen: new Date(NOW - 45 * MINUTE),
        lastSeen: new Date(NOW - 20 * MINUTE),
      },
    ])
  })

  it('uses the Error Reporting service name the catalog gives and a longer period for a longer window', async () => {
    gcp.fake.errorReporting.events = events('deadlock', 'checkout-db-errors', [90], 'deadlock detected')
    const groups = await telemetry().errors({ service: 'checkout-db', start: new Date(NOW - 3 * 60 * MINUTE), end: new Date(NOW) })
    expect(gcp.fake.errorReporting.controls.calls[0]!.request).toMatchObject({
      'timeRange.period': 'PERIOD_6_HOURS',
      'serviceFilter.service': 'checkout-db-errors',
      timedCountDuration: '360s',
    })
    expect(groups.map((g) => [g.service, g.groupId, g.count])).toEqual([['checkout-db', 'deadlock', 1]])
  })

  it('follows page tokens', async () => {
    gcp.fake.errorReporting.events = Array.from({ length: 230 }, (_, i) => events(`g${i}`, 'payment-api', [1 + (i % 50)], `Error ${i}`)).flat()
    const groups = await telemetry().errors({ service: 'payment-api', start: new Date(NOW - 59 * MINUTE), end: new Date(NOW) })
    expect(groups).toHaveLength(230)
    const pages = gcp.fake.errorReporting.controls.callsTo('groupStats.list').map((c) => (c.request as { pageToken?: string }).pageToken)
    expect(pages).toHaveLength(3)
    expect(pages[0]).toBeUndefined()
    expect(pages[1]).toBeTruthy()
  })

  it("reads a group's latest events, newest first, redacted", async () => {
    gcp.fake.errorReporting.events = events('pool-timeout', 'payment-api', [3, 1, 2], 'Error: pool timeout for user carol@example.org')
    const latest = await telemetry().errorEvents({
      service: 'payment-api',
      groupId: 'pool-timeout',
      start: new Date(NOW - 30 * MINUTE),
      end: new Date(NOW),
      limit: 2,
    })
    expect(gcp.fake.errorReporting.controls.callsTo('events.list')[0]!.request).toEqual({
      groupId: 'pool-timeout',
      'serviceFilter.service': 'payment-api',
      'timeRange.period': 'PERIOD_1_HOUR',
      pageSize: '2',
    })
    expect(latest).toEqual([
      { at: new Date(NOW - MINUTE), message: 'Error: pool timeout for user [redacted-email]' },
      { at: new Date(NOW - 2 * MINUTE), message: 'Error: pool timeout for user [redacted-email]' },
    ])
  })

  it('refuses a window Error Reporting cannot answer for', async () => {
    await expect(
      telemetry().errors({ service: 'payment-api', start: new Date(NOW - 31 * 24 * 60 * MINUTE), end: new Date(NOW - 30 * 24 * 60 * MINUTE) }),
    ).rejects.toThrow(TelemetryQueryError)
    expect(gcp.fake.errorReporting.controls.calls).toHaveLength(0)
  })

  it('signs requests with the credential, and says so when it is refused', async () => {
    gcp.fake.errorReporting.events = []
    await telemetry().errors({ service: 'payment-api', start: new Date(NOW - MINUTE), end: new Date(NOW) })
    const err = await telemetry(fakeGoogleAuth('ya29.someone-else'))
      .errors({ service: 'payment-api', start: new Date(NOW - MINUTE), end: new Date(NOW) })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GcpApiError)
    expect((err as GcpApiError).code).toBe('gcp_permission_denied')
    expect((err as Error).message).toBe('Error Reporting: UNAUTHENTICATED: Request had invalid authentication credentials.')
  })

  it('reports an answer of an unexpected shape as invalid', async () => {
    gcp.fake.errorReporting.controls.answerMalformedNext()
    const err = await telemetry()
      .errors({ service: 'payment-api', start: new Date(NOW - MINUTE), end: new Date(NOW) })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GcpResponseInvalidError)
    expect((err as Error).message).toMatch(/^Error Reporting groupStats\.list answered in an unexpected shape: errorGroupStats/)
  })
})
