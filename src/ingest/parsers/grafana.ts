import { z } from 'zod'
import type { NormalizedAlert } from '../../core/incidents/types'
import { alertGroupShape, alertmanagerAlertShape, normalizeAlertmanagerAlert, requireATitle } from './alertmanager'
import { vendorLabelMapSchema } from './flatten-labels'
import { describeReceivedValue, parseOrThrowValidationError } from './zod-to-validation-error'

/** Grafana has no limit of its own; this bounds one request's work like the Alertmanager route does. */
const MAX_ALERTS_PER_NOTIFICATION = 1_000
const MAX_VALUES_SHOWN = 10

const optionalText = z.string().nullish()

/** One alert of a Grafana webhook contact point: Alertmanager's alert plus Grafana's links and query values. */
export const grafanaAlertSchema = z
  .looseObject({
    ...alertmanagerAlertShape,
    silenceURL: optionalText,
    dashboardURL: optionalText,
    panelURL: optionalText,
    /** The rule's query and expression results by refId; null when there are none. */
    values: z.record(z.string(), z.unknown()).nullish(),
  })
  .superRefine(requireATitle)
export type GrafanaAlert = z.infer<typeof grafanaAlertSchema>

/** A Grafana alerting webhook notification (`version: "1"`): Alertmanager's v4 group plus orgId, title, message. */
export const grafanaWebhookSchema = z.looseObject({
  version: z.literal('1', {
    error: (issue) =>
      issue.input === undefined ? undefined : `must be "1" (the Grafana webhook contact point's format), got ${describeReceivedValue(issue.input)}`,
  }),
  ...alertGroupShape,
  orgId: z.number().int().nullish(),
  title: optionalText,
  message: optionalText,
  state: optionalText,
  commonLabels: vendorLabelMapSchema.nullish(),
  alerts: z.array(grafanaAlertSchema).min(1).max(MAX_ALERTS_PER_NOTIFICATION),
})
export type GrafanaWebhook = z.infer<typeof grafanaWebhookSchema>

/** Parses a Grafana webhook body into one alert per entry of `alerts`. */
export function parseGrafanaAlert(body: unknown): NormalizedAlert[] {
  const webhook = parseOrThrowValidationError(grafanaWebhookSchema, body)
  return webhook.alerts.map((alert) =>
    normalizeAlertmanagerAlert(alert, webhook, {
      source: 'grafana',
      extraLinks: [
        { label: 'Dashboard', url: alert.dashboardURL },
        { label: 'Panel', url: alert.panelURL },
        { label: 'Silence', url: alert.silenceURL },
      ],
      extraSummary: describeValues(alert.values),
    }),
  )
}

/** Grafana's body on the Alertmanager route: version "1" with an orgId is Grafana, never Alertmanager (whose v1 had neither). */
export function isGrafanaWebhook(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).version === '1' && 'orgId' in body
}

/** "Query values: B=44.24, C=1": what the rule saw when it fired. */
function describeValues(values: Record<string, unknown> | null | undefined): string | null {
  const shown = Object.entries(values ?? {})
    .filter((entry): entry is [string, number | string] => typeof entry[1] === 'number' || typeof entry[1] === 'string')
    .slice(0, MAX_VALUES_SHOWN)
    .map(([refId, value]) => `${refId}=${typeof value === 'number' ? Number(value.toPrecision(6)) : value}`)
  return shown.length ? `Query values: ${shown.join(', ')}` : null
}
