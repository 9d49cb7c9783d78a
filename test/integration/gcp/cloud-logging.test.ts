import { describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../src/core/telemetry/port'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildLogEntry } from '../../fakes/gcp/fake-data-builders'
import { useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'

const MINUTE = 60_000
const end = new Date(Date.parse('2026-05-14T10:00:00Z'))
const start = new Date(end.getTime() - 20 * MINUTE)
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')
const payment = { type: 'k8s_container', labels: { container_name: 'payment-api', namespace_name: 'payments' } }

describe('Cloud Logging through LoggingServiceV2Client', () => {
  const gcp = useFakeGcp({
    harness: { catalog },
    reset(fake) {
      fake.logging.controls.reset()
      fake.logging.maxEntriesPerPage = Infinity
    },
  })
  const telemetry = () => gcp.telemetry()

  it('asks for the newest entries of the service resource in the window, at a minimum severity', async () => {
    gcp.fake.logging.entries = [
      buildLogEntry({
        resource: payment,
        timestampMs: end.getTime() - 5 * MINUTE,
        severity: 'ERROR',
        textPayload: 'timeout calling fraud-check after 8000ms',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      }),
      buildLogEntry({
        resource: payment,
        timestampMs: end.getTime() - 3 * MINUTE,
        severity: 'WARNING',
        jsonPayload: { message: 'retrying authorize', attempt: 2 },
      }),
      buildLogEntry({ resource: payment, timestampMs: end.getTime() - 2 * MINUTE, severity: 'INFO', textPayload: 'GET /healthz 200' }),
      buildLogEntry({ resource: payment, timestampMs: end.getTime() - 1 * MINUTE, severity: 'EMERGENCY', textPayload: 'out of memory' }),
      buildLogEntry({
        resource: { type: 'k8s_container', labels: { container_name: 'cart', namespace_name: 'payments' } },
        timestampMs: end.getTime() - MINUTE,
        textPayload: 'not this service',
      }),
      buildLogEntry({ resource: payment, timestampMs: start.getTime() - MINUTE, textPayload: 'before the window' }),
    ]
    const entries = await telemetry().logs({ service: 'payment-api', start, end, minSeverity: 'WARNING', limit: 50 })
    expect(gcp.fake.logging.controls.callsTo('ListLogEntries')[0]!.request).toEqual({
      resourceNames: ['projects/shop-prod'],
      filter:
        'resource.type="k8s_container" AND resource.labels.container_name="payment-api" AND resource.labels.namespace_name="payments" AND timestamp>="2026-05-14T09:40:00.000Z" AND timestamp<="2026-05-14T10:00:00.000Z" AND severity>=WARNING',
      orderBy: 'timestamp desc',
      pageSize: 50,
    })
    expect(entries).toEqual([
      { at: new Date(end.getTime() - MINUTE), service: 'payment-api', severity: 'CRITICAL', message: 'out of memory' },
      { at: new Date(end.getTime() - 3 * MINUTE), service: 'payment-api', severity: 'WARNING', message: 'retrying authorize' },
      {
        at: new Date(end.getTime() - 5 * MINUTE),
        service: 'payment-api',
        severity: 'ERROR',
        message: 'timeout calling fraud-check after 8000ms',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      },
    ])
  })

  it('searches text and JSON messages without regard to case', async () => {
    gcp.fake.logging.entries = [
      buildLogEntry({ resource: payment, timestampMs: end.getTime() - 4 * MINUTE, severity: 'INFO', textPayload: 'Deployed payment-api revision 00042' }),
      buildLogEntry({ resource: payment, timestampMs: end.getTime() - 3 * MINUTE, severity: 'INFO', jsonPayload: { message: 'rollout DEPLOYED to 3/3 pods' } }),
      buildLogEntry({ resource: payment, timestampMs: end.getTime() - 2 * MINUTE, severity: 'INFO', textPayload: 'GET /healthz 200' }),
    ]
    const entries = await telemetry().logs({ service: 'payment-api', start, end, contains: 'deployed', minSeverity: 'INFO' })
    expect(entries.map((e) => e.message)).toEqual(['rollout DEPLOYED to 3/3 pods', 'Deployed payment-api revision 00042'])
    expect((gcp.fake.logging.controls.calls[0]!.request as { filter: string }).filter).toMatch(
      /AND \(textPayload:"deployed" OR jsonPayload\.message:"deployed"\)$/,
    )
  })

  it('follows page tokens up to the limit, one call per page', async () => {
    gcp.fake.logging.entries = Array.from({ length: 2_500 }, (_, i) =>
      buildLogEntry({ resource: payment, timestampMs: end.getTime() - 1_000 - i * 400, textPayload: `error ${i}` }),
    )
    gcp.fake.logging.maxEntriesPerPage = 300
    const entries = await telemetry().logs({ service: 'payment-api', start, end, limit: 700 })
    expect(entries.map((e) => e.message)).toEqual(Array.from({ length: 700 }, (_, i) => `error ${i}`))
    const pages = gcp.fake.logging.controls.callsTo('ListLogEntries').map((c) => c.request as { pageSize: number; pageToken?: string })
    expect(pages.map((p) => p.pageSize)).toEqual([700, 400, 100])
    expect(pages[0]!.pageToken).toBeUndefined()
    expect(pages[1]!.pageToken).toBeTruthy()
    expect(pages[2]!.pageToken).not.toBe(pages[1]!.pageToken)
  })

  it('says when its limit stopped the fetch inside the window, though lines past the end were trimmed', async () => {
    // The window ends mid-minute; the request asks to the end of that minute, so it can share answers.
    const midMinute = new Date(end.getTime() - 30_000)
    gcp.fake.logging.entries = [
      ...[5, 10, 20].map((s) => buildLogEntry({ resource: payment, timestampMs: midMinute.getTime() + s * 1_000, textPayload: `after the window ${s}` })),
      ...Array.from({ length: 10 }, (_, i) =>
        buildLogEntry({ resource: payment, timestampMs: midMinute.getTime() - (i + 1) * MINUTE, textPayload: `in the window ${i}` }),
      ),
    ]
    const cut = await telemetry().logs({ service: 'payment-api', start, end: midMinute, limit: 5 })
    expect(cut.map((e) => e.message)).toEqual(['in the window 0', 'in the window 1'])
    expect(cut.cutShort).toBe(true)
    const whole = await telemetry().logs({ service: 'payment-api', start, end: midMinute, limit: 20 })
    expect(whole).toHaveLength(10)
    expect(whole.cutShort).toBeUndefined()
  })

  it('stops following pages after five, so one query cannot spend the quota', async () => {
    gcp.fake.logging.entries = Array.from({ length: 2_500 }, (_, i) =>
      buildLogEntry({ resource: payment, timestampMs: end.getTime() - 1_000 - i * 400, textPayload: `error ${i}` }),
    )
    gcp.fake.logging.maxEntriesPerPage = 100
    const entries = await telemetry().logs({ service: 'payment-api', start, end, limit: 1_000 })
    expect(entries).toHaveLength(500)
    expect(entries.cutShort).toBe(true)
    expect(gcp.fake.logging.controls.callsTo('ListLogEntries')).toHaveLength(5)
  })

  it('redacts secrets and addresses before anything leaves the client', async () => {
    gcp.fake.logging.entries = [
      buildLogEntry({
        resource: payment,
        timestampMs: end.getTime() - MINUTE,
        textPayload: 'card declined for alice@example.com, retry with Authorization: Bearer ya29.abcdefghijklmnop',
      }),
      buildLogEntry({ resource: payment, timestampMs: end.getTime() - 2 * MINUTE, jsonPayload: { message: 'login failed password=hunter2' } }),
    ]
    const messages = (await telemetry().logs({ service: 'payment-api', start, end })).map((e) => e.message)
    expect(messages).toEqual(['card declined for [redacted-email], retry with Authorization: Bearer [redacted]', 'login failed password=[redacted]'])
  })

  it('turns a rejected filter into a query error that quotes it, and refuses bad queries itself', async () => {
    gcp.fake.logging.controls.failNext({ status: 'INVALID_ARGUMENT', message: 'Unparseable filter: unexpected "AND"' })
    const err = await telemetry()
      .logs({ service: 'payment-api', start, end })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TelemetryQueryError)
    expect((err as Error).message).toMatch(/^Cloud Logging rejected listLogEntries filter resource\.type="k8s_container".*: Unparseable filter/)
    await expect(telemetry().logs({ service: 'payment-api', start, end, minSeverity: 'LOUD' as never })).rejects.toThrow('unknown severity "LOUD"')
    await expect(telemetry().logs({ service: 'payment-api', start, end, limit: 5_000 })).rejects.toThrow(TelemetryQueryError)
    await expect(telemetry().logs({ service: 'payment-api', start: new Date(end.getTime() - 40 * 24 * 60 * MINUTE), end })).rejects.toThrow(
      /window longer than 30 days/,
    )
  })
})
