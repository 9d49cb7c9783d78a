import { describe, expect, it } from 'vitest'
import { normalizedAlertSchema } from '../../../../src/core/incidents/types'
import { parseAlertmanagerAlert } from '../../../../src/ingest/parsers/alertmanager'
import { MAX_LABEL_VALUE_LENGTH, MAX_LABELS } from '../../../../src/ingest/parsers/flatten-labels'
import { buildAlertmanagerAlert, buildAlertmanagerWebhook } from './alert-payload-builders'
import { captureValidationError } from './capture-validation-error'
import { loadAlertFixture } from './load-alert-fixture'

describe('parseAlertmanagerAlert', () => {
  describe('the recorded checkout-db notification', () => {
    const [firing, resolved] = parseAlertmanagerAlert(loadAlertFixture('alertmanager-checkout-db.json'))

    it('returns one alert per entry of alerts', () => {
      expect([firing?.status, resolved?.status]).toEqual(['firing', 'resolved'])
      expect(() => normalizedAlertSchema.array().parse([firing, resolved])).not.toThrow()
    })

    it('normalizes every field of the firing alert', () => {
      expect(firing).toEqual({
        source: 'alertmanager',
        fingerprint: 'am:53b4fad5b4afaf5d',
        status: 'firing',
        title: 'checkout-db connection pool above 95%',
        summary: 'checkout-db is using 97% of max_connections (194 of 200) for more than 5 minutes. New checkout requests will queue or fail.',
        service: 'checkout-db',
        resourceType: null,
        policyName: 'PostgresConnectionPoolSaturated',
        severity: 'critical',
        startedAt: new Date('2024-05-14T09:12:03.481Z'),
        endedAt: null,
        labels: {
          alertname: 'PostgresConnectionPoolSaturated',
          cluster: 'shop-prod-eu',
          instance: 'checkout-db-0.checkout-db.checkout.svc:9187',
          job: 'postgres-exporter',
          namespace: 'checkout',
          service: 'checkout-db',
          severity: 'critical',
        },
        url: 'https://prometheus.shop-prod-eu.acme.dev/graph?g0.expr=pg_stat_activity_count+%2F+pg_settings_max_connections+%3E+0.95&g0.tab=1',
      })
    })

    it('takes endedAt of the resolved alert from endsAt, offset included', () => {
      expect(resolved?.fingerprint).toBe('am:69e8e40605111e58')
      expect(resolved?.severity).toBe('warning')
      expect(resolved?.endedAt).toEqual(new Date('2024-05-14T07:10:48.770Z'))
    })
  })

  describe('endsAt', () => {
    it('is ignored on a firing alert, where it only says when the alert would expire', () => {
      const body = buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ endsAt: '2024-05-14T09:17:03Z' })] })

      expect(parseAlertmanagerAlert(body)[0]?.endedAt).toBeNull()
    })

    it('means "not ended" when it is Go\'s zero time, even on a resolved alert', () => {
      const body = buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ status: 'resolved' })] })

      expect(parseAlertmanagerAlert(body)[0]?.endedAt).toBeNull()
    })
  })

  describe('fingerprint', () => {
    it('is computed like Alertmanager computes it when the sender left it out', () => {
      const labels = { alertname: 'PostgresConnectionPoolSaturated', service: 'checkout-db', severity: 'critical' }
      const withoutFingerprint = buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ labels, fingerprint: undefined })] })

      expect(parseAlertmanagerAlert(withoutFingerprint)[0]?.fingerprint).toMatch(/^am:[0-9a-f]{16}$/)
    })

    it('matches the fingerprint Alertmanager sent for the same labels', () => {
      const recorded = loadAlertFixture('alertmanager-checkout-db.json') as { alerts: Array<Record<string, unknown>> }
      const stripped = { ...recorded, alerts: recorded.alerts.map(({ fingerprint: _sent, ...alert }) => alert) }

      expect(parseAlertmanagerAlert(stripped).map((alert) => alert.fingerprint)).toEqual(['am:53b4fad5b4afaf5d', 'am:69e8e40605111e58'])
    })

    it('is the same for the firing and the resolved notification of one label set', () => {
      const firing = buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ fingerprint: null })] })
      const resolved = buildAlertmanagerWebhook({
        status: 'resolved',
        alerts: [buildAlertmanagerAlert({ fingerprint: null, status: 'resolved', endsAt: '2024-05-14T09:40:00Z' })],
      })

      expect(parseAlertmanagerAlert(resolved)[0]?.fingerprint).toBe(parseAlertmanagerAlert(firing)[0]?.fingerprint)
    })

    it('does not depend on the order labels arrive in', () => {
      const forward = buildAlertmanagerAlert({ fingerprint: '', labels: { alertname: 'A', job: 'b' } })
      const backward = buildAlertmanagerAlert({ fingerprint: '', labels: { job: 'b', alertname: 'A' } })
      const [first, second] = parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [forward, backward] }))

      expect(first?.fingerprint).toBe(second?.fingerprint)
    })
  })

  describe('title, summary and service', () => {
    it('fall back to alertname, the summary annotation and the job label', () => {
      const alert = buildAlertmanagerAlert({
        labels: { alertname: 'KubePodCrashLooping', job: 'kube-state-metrics', namespace: 'checkout' },
        annotations: { summary: '  ', description: '' },
      })
      const [parsed] = parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [alert] }))

      expect(parsed?.title).toBe('KubePodCrashLooping')
      expect(parsed?.summary).toBe('')
      expect(parsed?.service).toBe('kube-state-metrics')
    })

    it('never takes the service from the namespace', () => {
      const alert = buildAlertmanagerAlert({ labels: { alertname: 'NodeDown', namespace: 'checkout' } })

      expect(parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [alert] }))[0]?.service).toBeNull()
    })

    it('links to Alertmanager when the alert has no generatorURL', () => {
      const alert = buildAlertmanagerAlert({ generatorURL: '' })

      expect(parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [alert] }))[0]?.url).toBe('https://alertmanager.example')
    })
  })

  it.each([
    ['critical', 'critical'],
    ['page', 'critical'],
    ['high', 'high'],
    ['error', 'high'],
    ['warning', 'warning'],
    ['info', 'info'],
    ['none', 'info'],
    ['whatever', 'warning'],
    [undefined, 'warning'],
  ])('maps severity label %s to %s', (severity, expected) => {
    const alert = buildAlertmanagerAlert({ labels: { alertname: 'X', ...(severity === undefined ? {} : { severity }) } })

    expect(parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [alert] }))[0]?.severity).toBe(expected)
  })

  describe('a huge, deeply nested notification (alertmanager-huge-nested.json)', () => {
    const [alert] = parseAlertmanagerAlert(loadAlertFixture('alertmanager-huge-nested.json'))

    it('keeps a bounded, sorted subset of string labels', () => {
      const keys = Object.keys(alert?.labels ?? {})

      expect(keys).toHaveLength(MAX_LABELS)
      expect(keys).toEqual([...keys].sort())
      expect(keys).toContain('alertname')
      expect(keys).not.toContain('nested')
    })

    it('truncates the title and summary to the normalized limits', () => {
      expect(alert?.title).toHaveLength(500)
      expect(alert?.summary).toHaveLength(10_000)
      expect(alert?.title.endsWith('…')).toBe(true)
    })

    it('drops a link too long to be real rather than cutting it', () => {
      expect(alert?.url).toBeNull()
    })

    it('still identifies the alert', () => {
      expect(alert?.service).toBe('search-api')
      expect(alert?.policyName).toBe('KubeHpaMaxedOut')
      expect(alert?.fingerprint).toMatch(/^am:[0-9a-f]{16}$/)
    })
  })

  it('truncates an over-long label value', () => {
    const alert = buildAlertmanagerAlert({ labels: { alertname: 'X', pod: 'p'.repeat(5_000) } })
    const [parsed] = parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [alert] }))

    expect(parsed?.labels.pod).toHaveLength(MAX_LABEL_VALUE_LENGTH)
  })

  describe('rejects', () => {
    it('a notification without alerts (alertmanager-missing-alerts.json)', () => {
      const error = captureValidationError(() => parseAlertmanagerAlert(loadAlertFixture('alertmanager-missing-alerts.json')))

      expect(error.field).toBe('alerts')
      expect(error.message).toBe('alerts is missing; it must be an array')
    })

    it('an empty alerts array', () => {
      const error = captureValidationError(() => parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [] })))

      expect(error.field).toBe('alerts')
      expect(error.message).toBe('alerts must contain at least 1 item, got 0')
    })

    it('another webhook version', () => {
      const error = captureValidationError(() => parseAlertmanagerAlert(buildAlertmanagerWebhook({ version: '1' })))

      expect(error.field).toBe('version')
      expect(error.message).toBe('version must be "4" (the Alertmanager webhook format this parser reads), got "1"')
    })

    it('a body that is not an object (not-an-object.json)', () => {
      const error = captureValidationError(() => parseAlertmanagerAlert(loadAlertFixture('not-an-object.json')))

      expect(error.field).toBe('body')
    })

    it('labels that are not an object', () => {
      const body = buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert(), buildAlertmanagerAlert({ labels: ['a', 'b'] })] })
      const error = captureValidationError(() => parseAlertmanagerAlert(body))

      expect(error.field).toBe('alerts[1].labels')
      expect(error.message).toBe('alerts[1].labels must be a JSON object, got an array of 2 items')
    })

    it('an alert status other than firing or resolved', () => {
      const body = buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ status: 'pending' })] })
      const error = captureValidationError(() => parseAlertmanagerAlert(body))

      expect(error.field).toBe('alerts[0].status')
      expect(error.message).toBe('alerts[0].status must be "firing" or "resolved", got "pending"')
    })

    it('a startsAt that is not a timestamp', () => {
      const body = buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ startsAt: '14/05/2024 09:12' })] })
      const error = captureValidationError(() => parseAlertmanagerAlert(body))

      expect(error.field).toBe('alerts[0].startsAt')
      expect(error.message).toBe('alerts[0].startsAt must be an ISO 8601 timestamp with a time zone, such as "2024-05-14T09:12:03Z", got "14/05/2024 09:12"')
    })

    it('an alert with neither alertname nor summary to use as a title', () => {
      const alert = buildAlertmanagerAlert({ labels: { job: 'node' }, annotations: { description: 'disk full' } })
      const error = captureValidationError(() => parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [alert] })))

      expect(error.field).toBe('alerts[0].labels.alertname')
      expect(error.message).toBe('alerts[0].labels.alertname is missing and annotations.summary is empty; one of them is needed as the alert title')
    })
  })
})
