import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { normalizedAlertSchema } from '../../../../src/core/incidents/types'
import { genericAlertSchema, MAX_GENERIC_ALERTS_PER_BATCH, parseGenericAlert } from '../../../../src/ingest/parsers/generic'
import { buildGenericAlert } from './alert-payload-builders'
import { captureValidationError } from './capture-validation-error'
import { loadAlertFixture } from './load-alert-fixture'

const now = new Date('2024-05-14T12:00:00Z')

describe('parseGenericAlert', () => {
  it('normalizes every field of generic-basic.json', () => {
    const alerts = parseGenericAlert(loadAlertFixture('generic-basic.json'), now)

    expect(alerts).toEqual([
      {
        source: 'generic',
        fingerprint: `gen:${createHash('sha256').update('billing-exporter\nNightly invoice export failed').digest('hex')}`,
        status: 'firing',
        title: 'Nightly invoice export failed',
        summary: 'Exit code 3 after 14 min: upload to gs://acme-invoices/2024-05-14 timed out.',
        service: 'billing-exporter',
        resourceType: 'cloud_run_job',
        policyName: 'nightly-export-failed',
        severity: 'high',
        startedAt: new Date('2024-05-14T02:14:12Z'),
        endedAt: null,
        labels: { env: 'prod', team: 'billing' },
        url: 'https://ci.acme.dev/jobs/nightly-export/812',
        links: [],
      },
    ])
    expect(() => normalizedAlertSchema.parse(alerts[0])).not.toThrow()
  })

  it('fills defaults for a title-only alert', () => {
    const [alert] = parseGenericAlert({ title: '  Disk almost full  ' }, now)

    expect(alert).toMatchObject({
      title: 'Disk almost full',
      summary: '',
      service: null,
      severity: 'warning',
      status: 'firing',
      startedAt: now,
      endedAt: null,
      labels: {},
      url: null,
    })
  })

  describe('fingerprint', () => {
    it('is stable for the same service and title, whatever else changes', () => {
      const [first] = parseGenericAlert(buildGenericAlert({ summary: 'first run' }), now)
      const [second] = parseGenericAlert(buildGenericAlert({ summary: 'second run', severity: 'critical' }), new Date())

      expect(second?.fingerprint).toBe(first?.fingerprint)
      expect(first?.fingerprint).toMatch(/^gen:[0-9a-f]{64}$/)
    })

    it('differs when the service differs', () => {
      const [payments] = parseGenericAlert(buildGenericAlert({ service: 'payments' }), now)
      const [billing] = parseGenericAlert(buildGenericAlert({ service: 'billing' }), now)

      expect(payments?.fingerprint).not.toBe(billing?.fingerprint)
    })

    it("uses the sender's fingerprint under the gen: prefix", () => {
      const [alert] = parseGenericAlert(buildGenericAlert({ fingerprint: 'billing-exporter/nightly-export' }), now)

      expect(alert?.fingerprint).toBe('gen:billing-exporter/nightly-export')
    })
  })

  describe('a resolved alert', () => {
    it('takes endedAt from the body', () => {
      const body = buildGenericAlert({ status: 'resolved', startedAt: '2024-05-14T02:14:12Z', endedAt: '2024-05-14T02:40:00+00:00' })
      const [alert] = parseGenericAlert(body, now)

      expect(alert?.status).toBe('resolved')
      expect(alert?.endedAt).toEqual(new Date('2024-05-14T02:40:00Z'))
    })

    it('ends now when endedAt is left out', () => {
      const [alert] = parseGenericAlert(buildGenericAlert({ status: 'resolved', startedAt: '2024-05-14T02:14:12Z' }), now)

      expect(alert?.endedAt).toEqual(now)
    })

    it('does not start after it ended when startedAt is left out', () => {
      const [alert] = parseGenericAlert(buildGenericAlert({ status: 'resolved', endedAt: '2024-05-14T11:00:00Z' }), now)

      expect(alert?.startedAt).toEqual(new Date('2024-05-14T11:00:00Z'))
    })

    it('keeps the fingerprint of the firing alert', () => {
      const [firing] = parseGenericAlert(buildGenericAlert(), now)
      const [resolved] = parseGenericAlert(buildGenericAlert({ status: 'resolved' }), now)

      expect(resolved?.fingerprint).toBe(firing?.fingerprint)
    })
  })

  describe('a batch', () => {
    it('returns one alert per entry', () => {
      const alerts = parseGenericAlert({ alerts: [buildGenericAlert(), buildGenericAlert({ title: 'Backup job late' })] }, now)

      expect(alerts.map((alert) => alert.title)).toEqual(['Nightly invoice export failed', 'Backup job late'])
    })

    it(`rejects more than ${MAX_GENERIC_ALERTS_PER_BATCH} alerts`, () => {
      const alerts = Array.from({ length: MAX_GENERIC_ALERTS_PER_BATCH + 1 }, () => buildGenericAlert())
      const error = captureValidationError(() => parseGenericAlert({ alerts }, now))

      expect(error.field).toBe('alerts')
      expect(error.message).toBe('alerts must contain at most 100 items, got 101')
    })

    it('names the index of a bad entry', () => {
      const error = captureValidationError(() => parseGenericAlert({ alerts: [buildGenericAlert(), { service: 'x' }] }, now))

      expect(error.field).toBe('alerts[1].title')
      expect(error.message).toBe('alerts[1].title is missing; it must be a string')
    })
  })

  it('truncates an over-long title and summary instead of rejecting', () => {
    const [alert] = parseGenericAlert(buildGenericAlert({ title: 'T'.repeat(600), summary: 'S'.repeat(20_000) }), now)

    expect(alert?.title).toHaveLength(500)
    expect(alert?.summary).toHaveLength(10_000)
  })

  it('documents every field of its shape', () => {
    const fields = Object.entries(genericAlertSchema.shape)

    expect(fields.filter(([, schema]) => !schema.description).map(([name]) => name)).toEqual([])
  })

  describe('rejects', () => {
    it('an alert without a title (generic-missing-title.json)', () => {
      const error = captureValidationError(() => parseGenericAlert(loadAlertFixture('generic-missing-title.json'), now))

      expect(error.field).toBe('title')
      expect(error.message).toBe('title is missing; it must be a string')
    })

    it('a blank title', () => {
      const error = captureValidationError(() => parseGenericAlert(buildGenericAlert({ title: ' \n ' }), now))

      expect(error.field).toBe('title')
      expect(error.message).toBe('title must not be empty')
    })

    it('a body that is not an object (not-an-object.json)', () => {
      const error = captureValidationError(() => parseGenericAlert(loadAlertFixture('not-an-object.json'), now))

      expect(error.field).toBe('body')
      expect(error.message).toBe('body must be a JSON object, got an array of 2 items')
    })

    it('a bare string body', () => {
      const error = captureValidationError(() => parseGenericAlert('disk full', now))

      expect(error.message).toBe('body must be a JSON object, got "disk full"')
    })

    it('an unknown severity', () => {
      const error = captureValidationError(() => parseGenericAlert(buildGenericAlert({ severity: 'sev1' }), now))

      expect(error.field).toBe('severity')
      expect(error.message).toBe('severity must be "critical", "high", "warning" or "info", got "sev1"')
    })

    it('a timestamp without a time zone', () => {
      const error = captureValidationError(() => parseGenericAlert(buildGenericAlert({ startedAt: '2024-05-14 02:14' }), now))

      expect(error.field).toBe('startedAt')
    })

    it('an endedAt before startedAt', () => {
      const body = buildGenericAlert({ status: 'resolved', startedAt: '2024-05-14T02:14:12Z', endedAt: '2024-05-14T01:00:00Z' })
      const error = captureValidationError(() => parseGenericAlert(body, now))

      expect(error.field).toBe('endedAt')
      expect(error.message).toBe('endedAt must not be before startedAt (2024-05-14T02:14:12Z), got "2024-05-14T01:00:00Z"')
    })

    it('a label value that is not a string, naming the label', () => {
      const error = captureValidationError(() => parseGenericAlert(buildGenericAlert({ labels: { 'app.kubernetes.io/name': 3 } }), now))

      expect(error.field).toBe('labels["app.kubernetes.io/name"]')
      expect(error.message).toBe('labels["app.kubernetes.io/name"] must be a string, got 3')
    })
  })
})
