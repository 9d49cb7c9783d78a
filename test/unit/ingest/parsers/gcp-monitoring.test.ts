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
          summary:
            'Backend latency for acme-payments-prod k8s_container payment-api is above the threshold of 2000 with a value of 3412.6.\n\n' +
            'p95 latency of payment-api has been above 2 s for 5 minutes.\n\nRunbook: https://runbooks.acme.dev/payment-api/latency\n\n' +
            'Observed value 3412.6 (threshold 2000).',
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
          links: [{ label: 'Runbook', url: 'https://runbooks.acme.dev/payment-api/latency' }],
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
      const [alert] = parseGcpMonitoringAlert(buildGcpNotification({ documentation: 'Test documentation', summary: '', observed_value: null }))

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

    it('another schema version', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert(buildGcpNotification({}, { version: '1.0' })))

      expect(error.field).toBe('version')
      expect(error.message).toBe('version must be "1.2" or "1.1" (the Cloud Monitoring notification schemas this parser reads), got "1.0"')
    })

    it('a body without version', () => {
      const error = captureValidationError(() => parseGcpMonitoringAlert({ incident: buildGcpIncident() }))

      expect(error.field).toBe('version')
      expect(error.message).toBe('version is missing; it must be "1.2" or "1.1"')
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

  describe('schema 1.1, which Google still sends when a notification fails to render as 1.2 (gcp-version-1.1.json)', () => {
    it('is accepted and read with the same field names', () => {
      const [alert] = parseGcpMonitoringAlert(loadAlertFixture('gcp-version-1.1.json'))

      expect(alert).toMatchObject({
        fingerprint: 'gcp:0.lxfiw61fsv7p',
        status: 'firing',
        title: 'VM CPU above 90%: CPU utilization for VM instances',
        summary: 'CPU utilization for internal-project gke-cluster-1-default-pool-e2df4cbd-dgp3 is above the threshold of 0.9 with a value of 0.97.',
        policyName: 'VM CPU above 90%',
        startedAt: new Date(1577840461 * 1000),
        url: 'https://console.cloud.google.com/monitoring/alerting/incidents/0.lxfiw61fsv7p?project=internal-project',
      })
    })
  })

  describe('a log-based alert on a VM (gcp-log-based-gce-instance.json)', () => {
    const [alert] = parseGcpMonitoringAlert(loadAlertFixture('gcp-log-based-gce-instance.json'))

    it('keeps the documentation content, where the real message is, after the boilerplate summary', () => {
      expect(alert?.summary).toBe(
        'Log match condition fired for VM Instance with {instance_id=4417736129405518201, zone=europe-west1-b}\n\n' +
          'The kernel OOM killer ended `invoice-worker` on invoice-worker-3: Out of memory: Killed process 2281 (java) total-vm:9123456kB',
      )
    })

    it('names the VM as the service, since its labels only carry a numeric id', () => {
      expect(alert?.service).toBe('invoice-worker-3')
    })

    it('takes the severity from the policy label "severity" when the policy has none', () => {
      expect(alert?.severity).toBe('high')
    })

    it('keeps the http(s) documentation links and drops the others', () => {
      expect(alert?.links).toEqual([
        { label: 'Runbook: OOM on batch VMs', url: 'https://runbooks.acme.dev/batch/oom' },
        { label: 'Logs', url: 'https://console.cloud.google.com/logs/query;query=resource.type%3D%22gce_instance%22?project=acme-batch-prod' },
      ])
    })
  })

  describe('service of resources without a naming label', () => {
    it('prefers the metric label instance_name for a VM', () => {
      const body = buildGcpNotification({
        policy_user_labels: {},
        metadata: {},
        resource: { type: 'gce_instance', labels: { instance_id: '4417736129405518201', zone: 'europe-west1-b' } },
        metric: { type: 'compute.googleapis.com/instance/cpu/utilization', labels: { instance_name: 'invoice-worker-1' } },
        resource_display_name: 'ignored-display-name',
      })

      expect(parseGcpMonitoringAlert(body)[0]?.service).toBe('invoice-worker-1')
    })

    it('names an uptime check by the host it checks', () => {
      const body = buildGcpNotification({
        policy_user_labels: {},
        metadata: {},
        resource: { type: 'uptime_url', labels: { host: 'shop.acme.dev', project_id: 'acme-web' } },
        metric: { type: 'monitoring.googleapis.com/uptime_check/check_passed', labels: { check_id: 'shop-home' } },
      })

      expect(parseGcpMonitoringAlert(body)[0]?.service).toBe('shop.acme.dev')
    })
  })

  describe('severity', () => {
    it('keeps the policy severity over the severity label', () => {
      const body = buildGcpNotification({ severity: 'Warning', policy_user_labels: { severity: 'critical' } })

      expect(parseGcpMonitoringAlert(body)[0]?.severity).toBe('warning')
    })
  })

  describe('observed and threshold values', () => {
    it('reads numbers as well as strings', () => {
      const [alert] = parseGcpMonitoringAlert(buildGcpNotification({ summary: 'high', documentation: null, observed_value: 0.97, threshold_value: 0.9 }))

      expect(alert?.summary).toBe('high\n\nObserved value 0.97 (threshold 0.9).')
    })
  })
})
