import { z } from 'zod'
import type { NormalizedAlert, Severity } from '../../core/incidents/types'
import { computeAlertmanagerFingerprint } from './alertmanager-fingerprint'
import { finalizeNormalizedAlert } from './finalize-normalized-alert'
import { flattenLabels, readLabel, vendorLabelMapSchema, type VendorLabelMap } from './flatten-labels'
import { nonBlankText } from './non-blank-text'
import { describeReceivedValue, parseOrThrowValidationError } from './zod-to-validation-error'

/** Alertmanager has no limit of its own (max_alerts defaults to 0); this bounds one request's work. */
const MAX_ALERTS_PER_NOTIFICATION = 1_000
const MAX_FINGERPRINT_LENGTH = 200

/** Labels that name a service, most specific first; `namespace` is left out because it names a team, not a service. */
const SERVICE_LABELS = ['service', 'job', 'app', 'app_kubernetes_io_name', 'container', 'deployment'] as const

/** Go's RFC 3339 with nanoseconds and any offset, e.g. "2024-05-14T09:12:03.123456789+02:00". */
const timestampSchema = z.iso.datetime({ offset: true })

const optionalText = z.string().nullish()

/** One alert of an Alertmanager notification; extra fields pass through unread. */
export const alertmanagerAlertSchema = z
  .looseObject({
    status: z.enum(['firing', 'resolved']),
    labels: vendorLabelMapSchema,
    annotations: vendorLabelMapSchema.nullish(),
    startsAt: timestampSchema,
    endsAt: timestampSchema.nullish(),
    generatorURL: optionalText,
    fingerprint: z.string().trim().max(MAX_FINGERPRINT_LENGTH).nullish(),
  })
  .superRefine((alert, ctx) => {
    if (readLabel(alert.annotations, 'summary') === undefined && readLabel(alert.labels, 'alertname') === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['labels', 'alertname'],
        input: alert.labels.alertname,
        message: 'is missing and annotations.summary is empty; one of them is needed as the alert title',
      })
    }
  })
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>

/** A Prometheus Alertmanager webhook notification (`version: "4"`), one group of alerts. */
export const alertmanagerWebhookSchema = z.looseObject({
  version: z.literal('4', {
    error: (issue) =>
      issue.input === undefined ? undefined : `must be "4" (the Alertmanager webhook format this parser reads), got ${describeReceivedValue(issue.input)}`,
  }),
  status: z.enum(['firing', 'resolved']),
  receiver: optionalText,
  groupKey: optionalText,
  truncatedAlerts: z.number().int().nonnegative().nullish(),
  groupLabels: vendorLabelMapSchema.nullish(),
  commonLabels: vendorLabelMapSchema.nullish(),
  commonAnnotations: vendorLabelMapSchema.nullish(),
  externalURL: optionalText,
  alerts: z.array(alertmanagerAlertSchema).min(1).max(MAX_ALERTS_PER_NOTIFICATION),
})
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>

/** Parses an Alertmanager webhook body into one alert per entry of `alerts`. */
export function parseAlertmanagerAlert(body: unknown): NormalizedAlert[] {
  const webhook = parseOrThrowValidationError(alertmanagerWebhookSchema, body)
  return webhook.alerts.map((alert) => normalizeAlertmanagerAlert(alert, webhook.externalURL))
}

function normalizeAlertmanagerAlert(alert: AlertmanagerAlert, externalUrl: string | null | undefined): NormalizedAlert {
  const isResolved = alert.status === 'resolved'
  const endsAt = alert.endsAt ? new Date(alert.endsAt) : null
  const alertname = readLabel(alert.labels, 'alertname')
  return finalizeNormalizedAlert({
    source: 'alertmanager',
    fingerprint: `am:${nonBlankText(alert.fingerprint) ?? computeAlertmanagerFingerprint(stringLabelsOf(alert.labels))}`,
    status: alert.status,
    title: readLabel(alert.annotations, 'summary') ?? alertname ?? '',
    summary: readLabel(alert.annotations, 'description') ?? readLabel(alert.annotations, 'summary') ?? '',
    service: findAlertmanagerService(alert.labels) ?? null,
    resourceType: null,
    policyName: alertname ?? null,
    severity: mapAlertmanagerSeverity(readLabel(alert.labels, 'severity')),
    startedAt: new Date(alert.startsAt),
    // A firing alert's endsAt is only when it would expire unrenewed, and Go's zero time means "unset".
    endedAt: isResolved && endsAt && !isGoZeroTime(endsAt) ? endsAt : null,
    labels: flattenLabels(alert.labels),
    url: nonBlankText(alert.generatorURL) ?? nonBlankText(externalUrl) ?? null,
  })
}

function findAlertmanagerService(labels: VendorLabelMap): string | undefined {
  for (const name of SERVICE_LABELS) {
    const value = readLabel(labels, name)
    if (value !== undefined) return value
  }
  return undefined
}

/** Severity labels are free text by convention; unknown or missing ones become warning, since someone chose to route the alert. */
function mapAlertmanagerSeverity(severity: string | undefined): Severity {
  switch (severity?.toLowerCase()) {
    case 'critical':
    case 'page':
    case 'p1':
    case 'sev1':
    case 'emergency':
    case 'fatal':
      return 'critical'
    case 'high':
    case 'error':
    case 'major':
    case 'p2':
    case 'sev2':
      return 'high'
    case 'info':
    case 'informational':
    case 'none':
    case 'low':
    case 'p4':
    case 'p5':
      return 'info'
    default:
      return 'warning'
  }
}

/** Alertmanager hashes the labels exactly as received, so only the string-valued ones count. */
function stringLabelsOf(labels: VendorLabelMap): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/** Go's time.Time{} serializes as "0001-01-01T00:00:00Z". */
function isGoZeroTime(date: Date): boolean {
  return date.getUTCFullYear() <= 1
}
