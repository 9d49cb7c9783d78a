import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../../../src/core/errors'
import { normalizedAlertSchema } from '../../../../src/core/incidents/types'
import { parseGcpMonitoringAlert } from '../../../../src/ingest/parsers/gcp-monitoring'
import { buildGcpIncident, buildGcpNotification } from './alert-payload-builders'
import { captureValidationError } from './capture-validation-error'
import { loadAlertFixture } from './load-alert-fixture'

describe('parseGcpMonitoringAlert', () => {
  describe('an open incident', () => {
    it('normalizes every field of the recorded payment-api latency incident', () => {
      const alerts = parseGcpMonitoringAlert(loadAlertFixture('gcp-open-payment-latency.json'))

      expect(alerts).toEqual([
        {
          source: 'gcp',
          fingerprint: 'gcp:0.nq8x2v4k7r1m',
          status: 'firing',
          title: '[CRITICAL] payment-api p95 latency above 2 s',
          summary: 'Backend latency for acme-payments-prod k8s_container payment-api is above the threshold of 2000 with a value of 3412.6.',
          service: 'payment-api',
          resourceType: 'k8s_container',
          policyName: 'payment-api p95 latency > 2 s',
          severity: 'critical',
          startedAt: new Date('2024-05-14T09:12:03Z'),
          endedAt: null,
          labels: {
            app: 'payment-api',
            cluster_name: 'payments-gke-prod',
            container_name: 'payment-api',
            location: 'europe-west1',
            method: 'POST',
            namespace_name: 'payments',
            pod_name: 'payment-api-7d9f8c6b5-x2kqp',
            project_id: 'acme-payments-prod',
            route: '/v1/charges',
            service: 'payment-api',
            team: 'payments',
            tier: 'backend',
          },
          url: 'https://console.cloud.google.com/monitoring/alerting/incidents/0.nq8x2v4k7r1m?project=acme-payments-prod',
        },
      ])
      expect(() => normalizedAlertSchema.parse(alerts[0])).not.toThrow()
    })

    it('accepts the upper-case state that test notifications send', () => {
      const [alert] = parseGcpMonitoringAlert(buildGcpNotification({ state: ' OPEN ' }))

      expect(alert?.status).toBe('firing')
    })

    it('ignores fields Google adds later', () => {
      const [alert] = parseGcpMonitoringAlert(buildGcpNotification({ brand_new_field: { nested: [1, 2, 3] } }, { delivered_by: 'v2' }))

      expect(alert?.fingerprint).toBe('gcp:0.nq8x2v4k7r1m')
    })
  })

  describe('a closed incident', () => {
    it('resolves with endedAt taken from ended_at', () => {
      const [alert] = parseGcpMonitoringAlert(loadAlertFixture('gcp-closed-payment-latency.json'))

      expect(alert?.status).toBe('resolved')
      expect(alert?.startedAt).toEqual(new Date('2024-05-14T09:12:03Z'))
      expect(alert?.endedAt).toEqual(new Date('2024-05-14T09:33:03Z'))
    })

    it('keeps the fingerprint of the open notification, so it closes the same incident', () => {
      const [opened] = parseGcpMonitoringAlert(loadAlertFixture('gcp-open-payment-latency.json'))
      const [closed] = parseGcpMonitoringAlert(loadAlertFixture('gcp-closed-payment-latency.json'))

      expect(closed?.fingerprint).toBe(opened?.fingerprint)
    })

    it('leaves endedAt null when ended_at is missing or zero', () => {
      const [withoutEnd] = parseGcpMonitoringAlert(buildGcpNotification({ state: 'closed', ended_at: null }))
      const [zeroEnd] = parseGcpMonitoringAlert(buildGcpNotification({ state: 'closed', ended_at: 0 }))

      expect(withoutEnd?.endedAt).toBeNull()
      expect(zeroEnd?.endedAt).toBeNull()
    })
  })

  describe('title', () => {
    it('falls back to "<policy>: <condition>" without a documentation subject', () => {
      const [alert] = parseGcpMonitoringAlert(buildGcpNotification({ documentation: { content: 'runbook' } }))

      expect(alert?.title).toBe('payment-api p95 latency > 2 s: p95 request latency above 2000 ms for 5 min')
    })

    it('falls back to the summary without policy and condition names', () => {
      const [alert] = parseGcpMonitoringAlert(
        buildGcpNotification({ documentation: null, policy_name: null, condition_name: '  ', summary: 'Latency is high' }),
      )

      expect(alert?.title).toBe('Latency is high')
    })

    it('reads a documentation string as content, as test notifications send it', () => {
      const [alert] = parseGcpMonitoringAlert(buildGcpNotification({ documentation: 'Test documentation', summary: '' }))

      expect(alert?.title).toBe('payment-api p95 latency > 2 s: p95 request latency above 2000 ms for 5 min')
      expect(alert?.summary).toBe('Test documentation')
    })
  })

  describe('service', () => {
    it('prefers the policy label, then the resource user label', () => {
      const fromUserLabel = buildGcpNotification({ policy_user_labels: {}, metadata: { user_labels: { service: 'payments-edge' } } })

      expect(parseGcpMonitoringAlert(fromUserLabel)[0]?.service).toBe('payments-edge')
    })

    it.each([
      ['cloud_run_revision', { service_name: 'checkout', revision_name: 'checkout-00042-xav' }, 'checkout'],
      ['gae_app', { module_id: 'default', version_id: '20240514t091200' }, 'default'],
      ['generic_task', { job: 'ledger-sync', task_id: '7' }, 'ledger-sync'],
      ['cloudsql_database', { database_id: 'acme-payments-prod:payments-db', region: 'europe-west1' }, 'payments-db'],
    ])('falls back to the %s resource label', (type, labels, service) => {
      const body = buildGcpNotification({ policy_user_labels: null, metadata: null, resource: { type, labels } })

      expect(parseGcpMonitoringAlert(body)[0]?.service).toBe(service)
    })

    it('is null when nothing names a service', () => {
      const body = buildGcpNotification({ policy_user_labels: null, metadata: null, resource: { type: 'global', labels: {} } })

      expect(parseGcpMonitoringAlert(body)[0]?.service).toBeNull()
    })
  })

  it.each([
    ['Critical', 'critical'],
    ['Error', 'high'],
    ['Warning', 'warning'],
    ['No severity', 'info'],
    [undefined, 'info'],
  ])('maps severity %s to %s', (severity, expected) => {
    expect(parseGcpMonitoringAlert(buildGcpNotification({ severity }))[0]?.severity).toBe(expected)
  })

  it('lets operator-set labels win over resource labels on a shared key', () => {
    const body = buildGcpNotification({
      resource: { type: 'k8s_container', labels: { team: 'platform', zone: 42 } },
      metric: null,
      metadata: null,
      policy_user_labels: { team: 'payments' },
    })

    expect(parseGcpMonitoringAlert(body)[0]?.labels).toEqual({ team: 'payments', zone: '42' })
  })

  it('truncates an over-long summary instead of rejecting the alert', () => {
    const [alert] = parseGcpMonitoringAlert(buildGcpNotification({ summary: 'slow '.repeat(5_000) }))

    expect(alert?.summary).toHaveLength(10_000)
    expect(alert?.summary.endsWith('…')).toBe(true)
  })

  describe('rejects', () => {
    it('a state other than open or closed (gcp-bad-state.json)', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(loadAlertFixture('gcp-bad-state.json')))

      expect(error).toBeInstanceOf(ValidationError)
      expect(error.code).toBe('validation_failed')
      expect(error.field).toBe('incident.state')
      expect(error.message).toBe('incident.state must be "open" or "closed", got "firing"')
    })

    it('another schema version (gcp-version-1.1.json)', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(loadAlertFixture('gcp-version-1.1.json')))

      expect(error.field).toBe('version')
      expect(error.message).toBe('version must be "1.2" (the only Cloud Monitoring notification schema this parser reads), got "1.1"')
    })

    it('a body without version', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert({ incident: buildGcpIncident() }))

      expect(error.field).toBe('version')
      expect(error.message).toBe('version is missing; it must be "1.2"')
    })

    it('a body that is not an object (not-an-object.json)', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(loadAlertFixture('not-an-object.json')))

      expect(error.field).toBe('body')
      expect(error.message).toBe('body must be a JSON object, got an array of 2 items')
    })

    it('a missing incident_id', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(buildGcpNotification({ incident_id: undefined })))

      expect(error.field).toBe('incident.incident_id')
      expect(error.message).toBe('incident.incident_id is missing; it must be a string')
    })

    it('a blank incident_id', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(buildGcpNotification({ incident_id: '   ' })))

      expect(error.field).toBe('incident.incident_id')
      expect(error.message).toBe('incident.incident_id must not be empty')
    })

    it('started_at in milliseconds', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(buildGcpNotification({ started_at: 1_715_677_923_000 })))

      expect(error.field).toBe('incident.started_at')
      expect(error.message).toBe('incident.started_at must be unix seconds, got 1715677923000 (milliseconds?)')
    })

    it('started_at as a string', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(buildGcpNotification({ started_at: '2024-05-14T09:12:03Z' })))

      expect(error.field).toBe('incident.started_at')
      expect(error.message).toBe('incident.started_at must be a number, got "2024-05-14T09:12:03Z"')
    })

    it('an incident with nothing to use as a title', () => {
      const body = buildGcpNotification({ documentation: null, policy_name: null, condition_name: null, summary: '' })
      const error = captureValidationError(() => parseGcpMonitoringAlert(body))

      expect(error.field).toBe('incident.policy_name')
      expect(error.message).toBe(
        'incident.policy_name is missing, and so are documentation.subject, condition_name and summary; one of them is needed as the alert title',
      )
    })

    it('resource labels that are not an object', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(buildGcpNotification({ resource: { type: 'k8s_container', labels: 'payment-api' } })))

      expect(error.field).toBe('incident.resource.labels')
      expect(error.message).toBe('incident.resource.labels must be a JSON object, got "payment-api"')
    })
  })
})
