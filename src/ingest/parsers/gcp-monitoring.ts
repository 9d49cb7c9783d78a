import { z } from 'zod'
import type { NormalizedAlert, Severity } from '../../core/incidents/types'
import { finalizeNormalizedAlert } from './finalize-normalized-alert'
import { flattenLabels, readLabel, vendorLabelMapSchema } from './flatten-labels'
import { nonBlankText } from './non-blank-text'
import { describeReceivedValue, parseOrThrowValidationError } from './zod-to-validation-error'

/** 3000-01-01 in unix seconds: anything later is a millisecond timestamp sent by mistake. */
const MAX_UNIX_SECONDS = 32_503_680_000
const MAX_INCIDENT_ID_LENGTH = 200

const unixSecondsSchema = z
  .number()
  .int()
  .nonnegative()
  .max(MAX_UNIX_SECONDS, {
    error: (issue) => `must be unix seconds, got ${describeReceivedValue(issue.input)} (milliseconds?)`,
  })

const optionalText = z.string().nullish()
const optionalLabels = vendorLabelMapSchema.nullish()

/** Cloud Monitoring sends an object; its "Send test notification" button sends a bare string. */
const gcpDocumentationSchema = z.union([
  z.string(),
  z.looseObject({
    content: optionalText,
    mime_type: optionalText,
    subject: optionalText,
    links: z.array(z.unknown()).nullish(),
  }),
])

/** Cloud Monitoring's value fields are strings ("3412.6") in some payloads and numbers in others. */
const valueText = z.union([z.string(), z.number()]).nullish()

/**
 * The `incident` of a Cloud Monitoring webhook notification (schema 1.2, and 1.1, which has
 * the same names but fewer of them). Only the fields we read are declared; the rest
 * (scoping_project_*, apigee_url, condition, ...) pass through unread because Google adds
 * fields without bumping the version.
 */
export const gcpIncidentSchema = z
  .looseObject({
    incident_id: z.string().trim().min(1).max(MAX_INCIDENT_ID_LENGTH),
    // Lower-cased first: test notifications send "OPEN".
    state: z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), z.enum(['open', 'closed'])),
    started_at: unixSecondsSchema,
    ended_at: unixSecondsSchema.nullish(),
    url: optionalText,
    summary: optionalText,
    severity: optionalText,
    policy_name: optionalText,
    policy_user_labels: optionalLabels,
    condition_name: optionalText,
    observed_value: valueText,
    threshold_value: valueText,
    resource_display_name: optionalText,
    documentation: gcpDocumentationSchema.nullish(),
    resource: z.looseObject({ type: optionalText, labels: optionalLabels }).nullish(),
    metric: z.looseObject({ type: optionalText, displayName: optionalText, labels: optionalLabels }).nullish(),
    metadata: z.looseObject({ system_labels: optionalLabels, user_labels: optionalLabels }).nullish(),
  })
  .superRefine((incident, ctx) => {
    if (buildGcpTitle(incident) === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['policy_name'],
        input: incident.policy_name,
        message: 'is missing, and so are documentation.subject, condition_name and summary; one of them is needed as the alert title',
      })
    }
  })
export type GcpIncident = z.infer<typeof gcpIncidentSchema>

/**
 * A Cloud Monitoring webhook notification. `version` comes first so a wrong version is the error reported.
 * 1.1 is what Google still sends when a notification fails to render as 1.2.
 */
export const gcpMonitoringNotificationSchema = z.looseObject({
  version: z.enum(['1.2', '1.1'], {
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `must be "1.2" or "1.1" (the Cloud Monitoring notification schemas this parser reads), got ${describeReceivedValue(issue.input)}`,
  }),
  incident: gcpIncidentSchema,
})
export type GcpMonitoringNotification = z.infer<typeof gcpMonitoringNotificationSchema>

/**
 * Parses a Cloud Monitoring webhook body into one alert. The open and the closed
 * notification of an incident share `incident_id`, hence the same fingerprint.
 */
export function parseGcpMonitoringAlert(body: unknown): NormalizedAlert[] {
  const { incident } = parseOrThrowValidationError(gcpMonitoringNotificationSchema, body)
  const isClosed = incident.state === 'closed'
  return [
    finalizeNormalizedAlert({
      source: 'gcp',
      fingerprint: `gcp:${incident.incident_id}`,
      status: isClosed ? 'resolved' : 'firing',
      title: buildGcpTitle(incident) ?? incident.incident_id,
      summary: buildGcpSummary(incident),
      service: findGcpService(incident) ?? null,
      resourceType: nonBlankText(incident.resource?.type) ?? null,
      policyName: nonBlankText(incident.policy_name) ?? null,
      severity: mapGcpSeverity(policySeverity(incident.severity) ?? readLabel(incident.policy_user_labels, 'severity')),
      startedAt: fromUnixSeconds(incident.started_at),
      // 0 is how Go-based senders spell "not ended".
      endedAt: isClosed && incident.ended_at ? fromUnixSeconds(incident.ended_at) : null,
      // Later maps win: labels an operator set on purpose beat Google's resource labels.
      labels: flattenLabels(incident.resource?.labels, incident.metric?.labels, incident.metadata?.user_labels, incident.policy_user_labels),
      url: nonBlankText(incident.url) ?? null,
      links: documentationLinks(incident),
    }),
  ]
}

/** Documentation subject, else "<policy>: <condition>", else whichever of them exists, else the summary. */
function buildGcpTitle(incident: GcpIncident): string | undefined {
  const subject = nonBlankText(documentationOf(incident).subject)
  if (subject) return subject
  const policy = nonBlankText(incident.policy_name)
  const condition = nonBlankText(incident.condition_name)
  if (policy && condition && policy !== condition) return `${policy}: ${condition}`
  return policy ?? condition ?? nonBlankText(incident.summary)
}

/**
 * The summary, then the documentation's content (for log-based alerts the summary is boilerplate and the
 * real message is only there), then the observed value against the threshold; each once.
 */
function buildGcpSummary(incident: GcpIncident): string {
  const parts: string[] = []
  for (const part of [nonBlankText(incident.summary), nonBlankText(documentationOf(incident).content)]) {
    if (part && !parts.includes(part)) parts.push(part)
  }
  const observed = valueToText(incident.observed_value)
  const threshold = valueToText(incident.threshold_value)
  if (observed !== undefined) parts.push(`Observed value ${observed}${threshold !== undefined ? ` (threshold ${threshold})` : ''}.`)
  return parts.join('\n\n')
}

function valueToText(value: string | number | null | undefined): string | undefined {
  return typeof value === 'number' ? String(value) : nonBlankText(value)
}

/** documentation.links: `{ displayName, url }` objects; anything else in the list is skipped. */
function documentationLinks(incident: GcpIncident): Array<{ label: string; url: string }> {
  const documentation = incident.documentation
  if (typeof documentation !== 'object' || documentation === null) return []
  return (documentation.links ?? []).flatMap((entry) => {
    const parsed = gcpDocumentationLinkSchema.safeParse(entry)
    if (!parsed.success) return []
    return [{ label: nonBlankText(parsed.data.displayName) ?? 'Documentation', url: parsed.data.url }]
  })
}

const gcpDocumentationLinkSchema = z.looseObject({ displayName: z.string().nullish(), url: z.string() })

/**
 * Precedence: policy label `service`, resource user label `service`, then the
 * resource's own naming label (Cloud Run, GKE, App Engine, generic task, Cloud SQL),
 * then for a VM its instance name and for an uptime check its host.
 */
function findGcpService(incident: GcpIncident): string | undefined {
  const resourceLabels = incident.resource?.labels
  const databaseId = readLabel(resourceLabels, 'database_id')
  return (
    readLabel(incident.policy_user_labels, 'service') ??
    readLabel(incident.metadata?.user_labels, 'service') ??
    readLabel(resourceLabels, 'service_name') ??
    readLabel(resourceLabels, 'container_name') ??
    readLabel(resourceLabels, 'module_id') ??
    readLabel(resourceLabels, 'job') ??
    // Cloud SQL ids are "<project>:<instance>"; the instance names the service.
    databaseId?.split(':').at(-1) ??
    namedResource(incident)
  )
}

/** A VM's labels carry only its numeric id; its name is in the metric labels or the display name. */
function namedResource(incident: GcpIncident): string | undefined {
  switch (incident.resource?.type) {
    case 'gce_instance':
      return readLabel(incident.metric?.labels, 'instance_name') ?? nonBlankText(incident.resource_display_name)
    case 'uptime_url':
      return readLabel(incident.resource?.labels, 'host') ?? nonBlankText(incident.resource_display_name)
    default:
      return undefined
  }
}

/** The policy's own severity; "No severity" (Google's word for none) lets an operator's `severity` policy label stand in. */
function policySeverity(severity: string | null | undefined): string | undefined {
  const given = nonBlankText(severity)
  return given?.toLowerCase() === 'no severity' ? undefined : given
}

/** Cloud Monitoring severities are Critical, Error, Warning and "No severity"; anything else is informational. */
function mapGcpSeverity(severity: string | null | undefined): Severity {
  switch (severity?.trim().toLowerCase()) {
    case 'critical':
      return 'critical'
    case 'error':
      return 'high'
    case 'warning':
      return 'warning'
    default:
      return 'info'
  }
}

function documentationOf(incident: GcpIncident): { subject?: string | null; content?: string | null } {
  const documentation = incident.documentation
  if (documentation === null || documentation === undefined) return {}
  return typeof documentation === 'string' ? { content: documentation } : documentation
}

function fromUnixSeconds(seconds: number): Date {
  return new Date(seconds * 1000)
}
