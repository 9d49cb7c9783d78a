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

/**
 * The `incident` of a Cloud Monitoring webhook notification (schema 1.2). Only the
 * fields we read are declared; the rest (scoping_project_*, apigee_url,
 * observed_value, threshold_value, condition, resource_* display names, ...)
 * pass through unread because Google adds fields without bumping the version.
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

/** A Cloud Monitoring webhook notification. `version` comes first so a wrong version is the error reported. */
export const gcpMonitoringNotificationSchema = z.looseObject({
  version: z.literal('1.2', {
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `must be "1.2" (the only Cloud Monitoring notification schema this parser reads), got ${describeReceivedValue(issue.input)}`,
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
      summary: nonBlankText(incident.summary) ?? nonBlankText(documentationOf(incident).content) ?? '',
      service: findGcpService(incident) ?? null,
      resourceType: nonBlankText(incident.resource?.type) ?? null,
      policyName: nonBlankText(incident.policy_name) ?? null,
      severity: mapGcpSeverity(incident.severity),
      startedAt: fromUnixSeconds(incident.started_at),
      // 0 is how Go-based senders spell "not ended".
      endedAt: isClosed && incident.ended_at ? fromUnixSeconds(incident.ended_at) : null,
      // Later maps win: labels an operator set on purpose beat Google's resource labels.
      labels: flattenLabels(incident.resource?.labels, incident.metric?.labels, incident.metadata?.user_labels, incident.policy_user_labels),
      url: nonBlankText(incident.url) ?? null,
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
 * Precedence: policy label `service`, resource user label `service`, then the
 * resource's own naming label (Cloud Run, GKE, App Engine, generic task, Cloud SQL).
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
    databaseId?.split(':').at(-1)
  )
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
