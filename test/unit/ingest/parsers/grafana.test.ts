import { describe, expect, it } from 'vitest'
import { normalizedAlertSchema } from '../../../../src/core/incidents/types'
import { parseGrafanaAlert } from '../../../../src/ingest/parsers/grafana'
import { captureValidationError } from './capture-validation-error'
import { loadAlertFixture } from './load-alert-fixture'

describe('parseGrafanaAlert', () => {
  describe('the recorded notification of a Grafana webhook contact point (grafana-high-memory.json)', () => {
    const [euAlert, usAlert] = parseGrafanaAlert(loadAlertFixture('grafana-high-memory.json'))

    it('returns one valid alert per entry of alerts', () => {
      expect(() => normalizedAlertSchema.array().length(2).parse([euAlert, usAlert])).not.toThrow()
    })

    it('normalizes every field of the first alert, with its dashboard, panel and silence links and query values', () => {
      expect(euAlert).toEqual({
        source: 'grafana',
        fingerprint: 'grafana:c6eadffa33fcdf37',
        status: 'firing',
        title: 'ledger-api memory above 90% in eu-1',
        summary: 'ledger-api pods use 93% of their memory limit in zone eu-1.\n\nQuery values: B=0.932394, C=1',
        service: 'ledger-api',
        resourceType: null,
        policyName: 'High memory usage',
        severity: 'critical',
        startedAt: new Date('2024-05-14T07:51:03.157Z'),
        endedAt: null,
        labels: {
          alertname: 'High memory usage',
          grafana_folder: 'payments',
          service: 'ledger-api',
          severity: 'critical',
          team: 'payments',
          zone: 'eu-1',
        },
        url: 'https://grafana.acme.dev/alerting/grafana/1afz29v7z/view?orgId=1',
        links: [
          { label: 'Runbook', url: 'https://runbooks.acme.dev/ledger-api/memory' },
          { label: 'Source', url: 'https://grafana.acme.dev/alerting/grafana/1afz29v7z/view?orgId=1' },
          { label: 'Dashboard', url: 'https://grafana.acme.dev/d/ledger-mem?orgId=1' },
          { label: 'Panel', url: 'https://grafana.acme.dev/d/ledger-mem?orgId=1&viewPanel=4' },
          {
            label: 'Silence',
            url: 'https://grafana.acme.dev/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DHigh+memory+usage&matcher=zone%3Deu-1',
          },
        ],
      })
    })

    it('leaves out empty dashboard and panel URLs and null values', () => {
      expect(usAlert?.links.map((l) => l.label)).toEqual(['Runbook', 'Source', 'Silence'])
      expect(usAlert?.summary).toBe('ledger-api pods use 91% of their memory limit in zone us-1.')
      expect(usAlert?.title).toBe('ledger-api memory above 90% in us-1')
    })
  })

  it('answers a body of another version naming the field', () => {
    const body = { ...(loadAlertFixture('grafana-high-memory.json') as Record<string, unknown>), version: '4' }
    const error = captureValidationError(() => parseGrafanaAlert(body))

    expect(error.field).toBe('version')
    expect(error.message).toBe('version must be "1" (the Grafana webhook contact point\'s format), got "4"')
  })
})
