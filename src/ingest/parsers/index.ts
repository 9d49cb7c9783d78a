import type { NormalizedAlert } from '../../core/incidents/types'
import { parseAlertmanagerAlert } from './alertmanager'
import { parseGcpMonitoringAlert } from './gcp-monitoring'
import { parseGenericAlert } from './generic'
import { isGrafanaWebhook, parseGrafanaAlert } from './grafana'

export { recognizeTestNotification, type TestNotification } from './test-notification'

/** Turns a JSON-parsed webhook body into alerts, or throws a ValidationError naming the bad field. */
export type AlertParser = (body: unknown) => NormalizedAlert[]

/** Webhook route segment → the parser for that sender's body. */
export const alertParsers = {
  gcp: parseGcpMonitoringAlert,
  // Grafana users often point their webhook at the Alertmanager route, since the body is Alertmanager's shape.
  alertmanager: (body) => (isGrafanaWebhook(body) ? parseGrafanaAlert(body) : parseAlertmanagerAlert(body)),
  grafana: parseGrafanaAlert,
  generic: parseGenericAlert,
} as const satisfies Record<string, AlertParser>

export type AlertRoute = keyof typeof alertParsers
