import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../../../src/core/errors'
import { alertParsers, type AlertRoute } from '../../../../src/ingest/parsers'
import { captureValidationError } from './capture-validation-error'
import { loadAlertFixture } from './load-alert-fixture'

describe('alertParsers', () => {
  it.each<[AlertRoute, string, string]>([
    ['gcp', 'gcp-open-payment-latency.json', 'gcp'],
    ['alertmanager', 'alertmanager-checkout-db.json', 'alertmanager'],
    ['grafana', 'grafana-high-memory.json', 'grafana'],
    // Grafana users point their webhook at the Alertmanager route too: its body says which it is.
    ['alertmanager', 'grafana-high-memory.json', 'grafana'],
    ['generic', 'generic-basic.json', 'generic'],
  ])('routes %s to the parser for %s', (route, fixture, source) => {
    const alerts = alertParsers[route](loadAlertFixture(fixture))

    expect(alerts.length).toBeGreaterThan(0)
    expect(alerts.every((alert) => alert.source === source)).toBe(true)
  })

  it.each(Object.keys(alertParsers) as AlertRoute[])('%s rejects a body that is not an object', (route) => {
    for (const body of [loadAlertFixture('not-an-object.json'), 'firing', 42, null, undefined]) {
      const error = captureValidationError(() => alertParsers[route](body))

      expect(error).toBeInstanceOf(ValidationError)
      expect(error.field).toBe('body')
    }
  })

  it.each<[AlertRoute, string]>([
    ['gcp', 'alertmanager-checkout-db.json'],
    ['alertmanager', 'gcp-open-payment-latency.json'],
    ['grafana', 'alertmanager-checkout-db.json'],
    ['generic', 'gcp-open-payment-latency.json'],
  ])("%s rejects another sender's payload (%s)", (route, fixture) => {
    expect(() => alertParsers[route](loadAlertFixture(fixture))).toThrow(ValidationError)
  })
})
