import { createHash } from 'node:crypto'
import { z } from 'zod'
import { severitySchema, type NormalizedAlert } from '../../core/incidents/types'
import { finalizeNormalizedAlert } from './finalize-normalized-alert'
import { flattenLabels, MAX_LABELS } from './flatten-labels'
import { nonBlankText } from './non-blank-text'
import { parseOrThrowValidationError } from './zod-to-validation-error'

export const MAX_GENERIC_ALERTS_PER_BATCH = 100
const MAX_FINGERPRINT_LENGTH = 500

const timestampSchema = z.iso.datetime({ offset: true })
const optionalText = z.string().trim().optional()

/**
 * The generic alert shape, for any system without a dedicated parser (cron
 * jobs, CI, custom checks). Only `title` is required. Unknown fields are ignored.
 *
 * @example
 * {
 *   "title": "Nightly invoice export failed",
 *   "service": "billing-exporter",
 *   "summary": "Exit code 3 after 14 min: GCS upload timed out",
 *   "severity": "high",
 *   "status": "firing",
 *   "fingerprint": "billing-exporter/nightly-export",
 *   "startedAt": "2024-05-14T02:00:12Z",
 *   "resourceType": "cloud_run_job",
 *   "policy": "nightly-export-failed",
 *   "labels": { "env": "prod", "team": "billing" },
 *   "url": "https://ci.example.com/jobs/nightly-export/812"
 * }
 *
 * Several alerts can be sent at once as `{ "alerts": [ ... ] }` (at most 100).
 */
export const genericAlertSchema = z
  .looseObject({
    title: z.string().trim().min(1).describe('What is wrong, in one line. Over 500 characters is cut.'),
    service: optionalText.describe('The affected service, as named in your service catalog.'),
    summary: optionalText.describe('Details for the on-call engineer. Over 10 000 characters is cut.'),
    severity: severitySchema.default('warning').describe('"critical", "high", "warning" (default) or "info".'),
    status: z.enum(['firing', 'resolved']).default('firing').describe('"firing" (default) or "resolved"; send "resolved" with the same fingerprint to close.'),
    fingerprint: z
      .string()
      .trim()
      .min(1)
      .max(MAX_FINGERPRINT_LENGTH)
      .optional()
      .describe('Identifies "the same problem" across repeats. Default: SHA-256 of service and title. Stored prefixed "gen:".'),
    startedAt: timestampSchema.optional().describe('ISO 8601 with time zone, e.g. "2024-05-14T02:00:12Z". Default: when received.'),
    endedAt: timestampSchema.optional().describe('ISO 8601 with time zone; read only when status is "resolved". Default then: when received.'),
    resourceType: optionalText.describe('Kind of resource, e.g. "cloud_run_revision" or "k8s_container".'),
    policy: optionalText.describe('Name of the rule or check that fired.'),
    labels: z.record(z.string(), z.string()).optional().describe(`String labels used for correlation; at most ${MAX_LABELS} are kept.`),
    url: optionalText.describe('Link back to the alert in its own system.'),
  })
  .superRefine((alert, ctx) => {
    if (alert.status === 'resolved' && alert.startedAt && alert.endedAt && Date.parse(alert.endedAt) < Date.parse(alert.startedAt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['endedAt'],
        input: alert.endedAt,
        message: `must not be before startedAt (${alert.startedAt}), got "${alert.endedAt}"`,
      })
    }
  })
export type GenericAlert = z.infer<typeof genericAlertSchema>

/** Several generic alerts in one request. */
export const genericAlertBatchSchema = z.looseObject({
  alerts: z.array(genericAlertSchema).min(1).max(MAX_GENERIC_ALERTS_PER_BATCH),
})
export type GenericAlertBatch = z.infer<typeof genericAlertBatchSchema>

/**
 * Parses a generic alert, or a batch `{ alerts: [...] }`, into alerts. `now`
 * stands in for missing timestamps; pass it to make results deterministic.
 */
export function parseGenericAlert(body: unknown, now: Date = new Date()): NormalizedAlert[] {
  // Picked by hand rather than by z.union so errors point into the shape that was meant.
  const alerts = isBatch(body) ? parseOrThrowValidationError(genericAlertBatchSchema, body).alerts : [parseOrThrowValidationError(genericAlertSchema, body)]
  return alerts.map((alert) => normalizeGenericAlert(alert, now))
}

function normalizeGenericAlert(alert: GenericAlert, now: Date): NormalizedAlert {
  const service = nonBlankText(alert.service)
  const endedAt = alert.status === 'resolved' ? (alert.endedAt ? new Date(alert.endedAt) : now) : null
  // Without a startedAt, a resolve that ended in the past must not appear to start after it ended.
  const defaultStartedAt = endedAt && endedAt < now ? endedAt : now
  return finalizeNormalizedAlert({
    source: 'generic',
    fingerprint: `gen:${nonBlankText(alert.fingerprint) ?? hashServiceAndTitle(service, alert.title)}`,
    status: alert.status,
    title: alert.title,
    summary: alert.summary ?? '',
    service: service ?? null,
    resourceType: alert.resourceType ?? null,
    policyName: alert.policy ?? null,
    severity: alert.severity,
    startedAt: alert.startedAt ? new Date(alert.startedAt) : defaultStartedAt,
    endedAt,
    labels: flattenLabels(alert.labels),
    url: alert.url ?? null,
    links: [],
  })
}

/** A newline joins the two so "ab"+"c" and "a"+"bc" hash differently. */
function hashServiceAndTitle(service: string | undefined, title: string): string {
  return createHash('sha256')
    .update(`${service ?? ''}\n${title}`)
    .digest('hex')
}

function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, 'alerts')
}
