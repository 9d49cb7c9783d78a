import type { z } from 'zod'
import type { alertmanagerAlertSchema, alertmanagerWebhookSchema } from '../../../../src/ingest/parsers/alertmanager'
import type { gcpIncidentSchema, gcpMonitoringNotificationSchema } from '../../../../src/ingest/parsers/gcp-monitoring'
import type { genericAlertSchema } from '../../../../src/ingest/parsers/generic'
import { loadAlertFixture } from './load-alert-fixture'

type GcpIncidentInput = z.input<typeof gcpIncidentSchema>
type GcpNotificationInput = z.input<typeof gcpMonitoringNotificationSchema>
type AlertmanagerAlertInput = z.input<typeof alertmanagerAlertSchema>
type AlertmanagerWebhookInput = z.input<typeof alertmanagerWebhookSchema>
type GenericAlertInput = z.input<typeof genericAlertSchema>

/** The recorded open payment-api incident, with `overrides` applied to `incident`. */
export function buildGcpIncident(overrides: Partial<Record<keyof GcpIncidentInput, unknown>> = {}): GcpIncidentInput {
  const recorded = loadAlertFixture('gcp-open-payment-latency.json') as GcpNotificationInput
  return { ...recorded.incident, ...overrides } as GcpIncidentInput
}

/** A full Cloud Monitoring notification around `buildGcpIncident(incidentOverrides)`. */
export function buildGcpNotification(
  incidentOverrides: Partial<Record<keyof GcpIncidentInput, unknown>> = {},
  overrides: Record<string, unknown> = {},
): GcpNotificationInput {
  return { version: '1.2', incident: buildGcpIncident(incidentOverrides), ...overrides } as GcpNotificationInput
}

/** One firing Alertmanager alert for checkout-db, with `overrides` applied. */
export function buildAlertmanagerAlert(overrides: Partial<Record<keyof AlertmanagerAlertInput, unknown>> = {}): AlertmanagerAlertInput {
  return {
    status: 'firing',
    labels: { alertname: 'PostgresConnectionPoolSaturated', service: 'checkout-db', severity: 'critical' },
    annotations: { summary: 'checkout-db connection pool above 95%', description: 'checkout-db uses 194 of 200 connections.' },
    startsAt: '2024-05-14T09:12:03Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'https://prometheus.example/graph?g0.expr=pg_up',
    fingerprint: 'e643be9accbffb46',
    ...overrides,
  } as AlertmanagerAlertInput
}

/** An Alertmanager version 4 notification holding `alerts` (one default alert unless given). */
export function buildAlertmanagerWebhook(overrides: Partial<Record<keyof AlertmanagerWebhookInput, unknown>> = {}): AlertmanagerWebhookInput {
  return {
    version: '4',
    groupKey: '{}:{service="checkout-db"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'sre-agent',
    groupLabels: { service: 'checkout-db' },
    commonLabels: { service: 'checkout-db' },
    commonAnnotations: {},
    externalURL: 'https://alertmanager.example',
    alerts: [buildAlertmanagerAlert()],
    ...overrides,
  } as AlertmanagerWebhookInput
}

/** A minimal generic alert, with `overrides` applied. */
export function buildGenericAlert(overrides: Partial<Record<keyof GenericAlertInput, unknown>> = {}): GenericAlertInput {
  return { title: 'Nightly invoice export failed', service: 'billing-exporter', ...overrides } as GenericAlertInput
}
