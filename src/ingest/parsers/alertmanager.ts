import { z } from 'zod'
import type { NormalizedAlert, Severity } from '../../core/incidents/types'
import { joinUrl } from './alert-links'
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

/** The fields of one alert that Alertmanager and Grafana share; extra fields pass through unread. */
export const alertmanagerAlertShape = {
  // Optional: a sender that leaves it out means the group's status.
  status: z.enum(['firing', 'resolved']).nullish(),
  labels: vendorLabelMapSchema,
  annotations: vendorLabelMapSchema.nullish(),
  startsAt: timestampSchema,
  endsAt: timestampSchema.nullish(),
  generatorURL: optionalText,
  fingerprint: z.string().trim().max(MAX_FINGERPRINT_LENGTH).nullish(),
}

/** Annotations that can name the alert, in the order they are preferred as its title. */
const TITLE_ANNOTATIONS = ['title', 'summary', 'message', 'description'] as const

/** One alert of an Alertmanager notification. */
export const alertmanagerAlertSchema = z.looseObject(alertmanagerAlertShape).superRefine(requireATitle)
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>

/** An alert needs something to call it by: its alertname, or an annotation that says what is wrong. */
export function requireATitle(alert: { labels: VendorLabelMap; annotations?: VendorLabelMap | null }, ctx: z.RefinementCtx): void {
  if (TITLE_ANNOTATIONS.some((name) => readLabel(alert.annotations, name) !== undefined) || readLabel(alert.labels, 'alertname') !== undefined) return
  ctx.addIssue({
    code: 'custom',
    path: ['labels', 'alertname'],
    input: alert.labels.alertname,
    message: 'is missing and annotations.title, summary, message and description are empty; one of them is needed as the alert title',
  })
}

/** The group fields of a notification that Alertmanager and Grafana share. */
export const alertGroupShape = {
  status: z.enum(['firing', 'resolved']),
  receiver: optionalText,
  groupKey: optionalText,
  truncatedAlerts: z.number().int().nonnegative().nullish(),
  groupLabels: vendorLabelMapSchema.nullish(),
  commonLabels: vendorLabelMapSchema.nullish(),
  commonAnnotations: vendorLabelMapSchema.nullish(),
  externalURL: optionalText,
}

/** A Prometheus Alertmanager webhook notification (`version: "4"`, Alertmanager 0.9 and later), one group of alerts. */
export const alertmanagerWebhookSchema = z.looseObject({
  version: z.literal('4', {
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `must be "4" (the webhook format of Alertmanager 0.9 and later, which this parser reads), got ${describeReceivedValue(issue.input)}`,
  }),
  ...alertGroupShape,
  alerts: z.array(alertmanagerAlertSchema).min(1).max(MAX_ALERTS_PER_NOTIFICATION),
})
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>

/** Parses an Alertmanager webhook body into one alert per entry of `alerts`. */
export function parseAlertmanagerAlert(body: unknown): NormalizedAlert[] {
  const webhook = parseOrThrowValidationError(alertmanagerWebhookSchema, body)
  return webhook.alerts.map((alert) => normalizeAlertmanagerAlert(alert, webhook, { source: 'alertmanager', extraLinks: [], extraSummary: null }))
}

export interface SenderSpecifics {
  source: 'alertmanager' | 'grafana'
  /** Links only this sender gives (Grafana's silence, dashboard and panel URLs). */
  extraLinks: Array<{ label: string; url: string | null | undefined }>
  /** A line appended to the summary (Grafana's query values). */
  extraSummary: string | null
}

export function normalizeAlertmanagerAlert(
  alert: AlertmanagerAlert,
  group: Pick<AlertmanagerWebhook, 'status' | 'externalURL'>,
  sender: SenderSpecifics,
): NormalizedAlert {
  const status = alert.status ?? group.status
  const isResolved = status === 'resolved'
  const endsAt = alert.endsAt ? new Date(alert.endsAt) : null
  const alertname = readLabel(alert.labels, 'alertname')
  const annotation = (name: string) => readLabel(alert.annotations, name)
  const sourceUrl = joinUrl(group.externalURL, alert.generatorURL)
  const summary = annotation('description') ?? annotation('message') ?? annotation('summary') ?? ''
  const fingerprint = nonBlankText(alert.fingerprint) ?? computeAlertmanagerFingerprint(stringLabelsOf(alert.labels))
  return finalizeNormalizedAlert({
    source: sender.source,
    fingerprint: `${sender.source === 'grafana' ? 'grafana' : 'am'}:${fingerprint}`,
    status,
    title: annotation('title') ?? annotation('summary') ?? describedAlertname(alertname, annotation('message') ?? annotation('description')),
    summary: [summary, sender.extraSummary].filter(Boolean).join('\n\n'),
    service: findAlertmanagerService(alert.labels) ?? null,
    resourceType: null,
    policyName: alertname ?? null,
    severity: mapAlertmanagerSeverity(readLabel(alert.labels, 'severity')),
    startedAt: new Date(alert.startsAt),
    // A firing alert's endsAt is only when it would expire unrenewed, and Go's zero time means "unset".
    endedAt: isResolved && endsAt && !isGoZeroTime(endsAt) ? endsAt : null,
    labels: flattenLabels(alert.labels),
    url: sourceUrl ?? nonBlankText(group.externalURL) ?? null,
    links: [
      { label: 'Runbook', url: annotation('runbook_url') ?? annotation('runbook') },
      { label: 'Source', url: sourceUrl },
      ...sender.extraLinks,
      { label: 'Silence', url: sender.source === 'alertmanager' ? silenceUrl(group.externalURL, alert.labels) : undefined },
    ],
  })
}

/** "alertname: first line of the message", so alerts of one rule with different messages get different titles. */
function describedAlertname(alertname: string | undefined, detail: string | undefined): string {
  const firstLine = detail
    ?.split('\n')
    .find((line) => line.trim() !== '')
    ?.trim()
  if (alertname && firstLine) return `${alertname}: ${firstLine}`
  return alertname ?? firstLine ?? ''
}

/** Alertmanager's "new silence" form, pre-filled with a matcher for each of the alert's labels. */
function silenceUrl(externalUrl: string | null | undefined, labels: VendorLabelMap): string | undefined {
  const base = nonBlankText(externalUrl)
  if (!base) return undefined
  const matchers = Object.entries(stringLabelsOf(labels)).map(([name, value]) => `${name}="${value.replace(/[\\"]/g, '\\$&')}"`)
  return `${base.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers.join(', ')}}`)}`
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
