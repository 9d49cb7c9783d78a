import type { NormalizedAlert } from '../../core/incidents/types'
import { parseAlertmanagerAlert } from './alertmanager'
import { parseGcpMonitoringAlert } from './gcp-monitoring'
import { parseGenericAlert } from './generic'

/** Turns a JSON-parsed webhook body into alerts, or throws a ValidationError naming the bad field. */
export type AlertParser = (body: unknown) => NormalizedAlert[]

/** Webhook route segment → the parser for that sender's body. */
export const alertParsers = {
  gcp: parseGcpMonitoringAlert,
  alertmanager: parseAlertmanagerAlert,
  generic: parseGenericAlert,
} as const satisfies Record<string, AlertParser>

export type AlertRoute = keyof typeof alertParsers
