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
        links: [
          { label: 'Runbook', url: 'https://runbooks.acme.dev/postgres/connection-pool' },
          {
            label: 'Source',
            url: 'https://prometheus.shop-prod-eu.acme.dev/graph?g0.expr=pg_stat_activity_count+%2F+pg_settings_max_connections+%3E+0.95&g0.tab=1',
          },
          {
            label: 'Silence',
            url:
              'https://alertmanager.shop-prod-eu.acme.dev/#/silences/new?filter=' +
              encodeURIComponent(
                '{alertname="PostgresConnectionPoolSaturated", cluster="shop-prod-eu", instance="checkout-db-0.checkout-db.checkout.svc:9187", ' +
                  'job="postgres-exporter", namespace="checkout", service="checkout-db", severity="critical"}',
              ),
          },
        ],
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

    it('drops a link too long to be real rather than cutting it, and links to Alertmanager instead', () => {
      expect(alert?.url).toBe('https://alertmanager.example')
      expect(alert?.links.find((l) => l.label === 'Source')).toBeUndefined()
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
      expect(error.message).toBe('version must be "4" (the webhook format of Alertmanager 0.9 and later, which this parser reads), got "1"')
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

    it('an alert with neither alertname nor a title, summary, message or description annotation', () => {
      const alert = buildAlertmanagerAlert({ labels: { job: 'node' }, annotations: { runbook_url: 'https://runbooks.example/disk' } })
      const error = captureValidationError(() => parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [alert] })))

      expect(error.field).toBe('alerts[0].labels.alertname')
      expect(error.message).toBe(
        'alerts[0].labels.alertname is missing and annotations.title, summary, message and description are empty; one of them is needed as the alert title',
      )
    })

    it('the version 3 notification of Alertmanager before 0.9', () => {
      const error = captureValidationError(() => parseAlertmanagerAlert(buildAlertmanagerWebhook({ version: '3' })))

      expect(error.field).toBe('version')
    })
  })

  describe('status', () => {
    it("is the group's when the alert has none of its own", () => {
      const body = buildAlertmanagerWebhook({ status: 'resolved', alerts: [buildAlertmanagerAlert({ status: undefined, endsAt: '2024-05-14T09:40:00Z' })] })

      expect(parseAlertmanagerAlert(body)[0]).toMatchObject({ status: 'resolved', endedAt: new Date('2024-05-14T09:40:00Z') })
    })

    it("is the alert's own when it has one", () => {
      const body = buildAlertmanagerWebhook({ status: 'resolved', alerts: [buildAlertmanagerAlert({ status: 'firing' })] })

      expect(parseAlertmanagerAlert(body)[0]?.status).toBe('firing')
    })
  })

  describe('annotations users write', () => {
    it('takes annotations.title as the title and annotations.message as the summary', () => {
      const annotations = { title: 'Disk almost full on db-1', message: 'Only 3% free on /var/lib/postgresql.' }
      const [alert] = parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ annotations })] }))

      expect(alert).toMatchObject({ title: 'Disk almost full on db-1', summary: 'Only 3% free on /var/lib/postgresql.' })
    })

    it('gives two alerts of one rule different titles when only their messages differ', () => {
      const labels = (instance: string) => ({ alertname: 'NodeDiskFull', instance })
      const alerts = [
        buildAlertmanagerAlert({ labels: labels('db-1'), annotations: { message: 'db-1: /var is 97% full' }, fingerprint: undefined }),
        buildAlertmanagerAlert({ labels: labels('db-2'), annotations: { message: 'db-2: /data is 99% full' }, fingerprint: undefined }),
      ]

      expect(parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts })).map((a) => a.title)).toEqual([
        'NodeDiskFull: db-1: /var is 97% full',
        'NodeDiskFull: db-2: /data is 99% full',
      ])
    })

    it('links annotations.runbook_url as the Runbook', () => {
      const annotations = { summary: 'disk full', runbook_url: 'https://runbooks.example/disk' }
      const [alert] = parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ annotations })] }))

      expect(alert?.links[0]).toEqual({ label: 'Runbook', url: 'https://runbooks.example/disk' })
    })

    it('drops a runbook link that is not http(s)', () => {
      const annotations = { summary: 'disk full', runbook_url: 'javascript:alert(1)' }
      const [alert] = parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ annotations })] }))

      expect(alert?.links.map((l) => l.label)).toEqual(['Source', 'Silence'])
    })
  })

  describe('links', () => {
    it('joins a relative generatorURL with externalURL, keeping its path', () => {
      const body = buildAlertmanagerWebhook({
        externalURL: 'https://ops.example/alertmanager/',
        alerts: [buildAlertmanagerAlert({ generatorURL: '/graph?g0.expr=up+%3D%3D+0' })],
      })

      expect(parseAlertmanagerAlert(body)[0]?.url).toBe('https://ops.example/alertmanager/graph?g0.expr=up+%3D%3D+0')
    })

    it('offers a silence pre-filled with the labels, quotes escaped', () => {
      const labels = { alertname: 'Probe', target: 'say "hi"' }
      const [alert] = parseAlertmanagerAlert(buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ labels })] }))
      const silence = alert?.links.find((l) => l.label === 'Silence')?.url ?? ''

      expect(silence.startsWith('https://alertmanager.example/#/silences/new?filter=')).toBe(true)
      expect(decodeURIComponent(silence.split('filter=')[1] ?? '')).toBe('{alertname="Probe", target="say \\"hi\\""}')
    })

    it('encodes the characters that would break out of a Slack link', () => {
      const body = buildAlertmanagerWebhook({ alerts: [buildAlertmanagerAlert({ generatorURL: 'https://a.example/1> <!channel> <https://evil|x' })] })

      expect(parseAlertmanagerAlert(body)[0]?.url).toBe('https://a.example/1%3E%20%3C!channel%3E%20%3Chttps://evil%7Cx')
    })
  })
})
