import { z } from 'zod'

/** Severities, most severe first. */
export const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const
export const severitySchema = z.enum(SEVERITIES)
export type Severity = z.infer<typeof severitySchema>

export const alertSourceSchema = z.enum(['gcp', 'alertmanager', 'grafana', 'generic', 'slack'])
export type AlertSource = z.infer<typeof alertSourceSchema>

/** Where an incident came from: one of the alert sources, or a history file (`sre-agent import`). */
export const incidentSourceSchema = z.enum([...alertSourceSchema.options, 'import'])
export type IncidentSource = z.infer<typeof incidentSourceSchema>

/** At most this many links per alert: a runbook, the source, a silence, dashboards. */
export const MAX_ALERT_LINKS = 8

/** A link the alert's sender gave (runbook, dashboard, silence); `url` is http(s) only. */
export const alertLinkSchema = z.object({
  label: z.string().min(1).max(100),
  url: z.url({ protocol: /^https?$/ }).max(2_048),
})
export type AlertLink = z.infer<typeof alertLinkSchema>

/**
 * One alert, whatever webhook it came from, reduced to what correlation needs.
 * `fingerprint` identifies "the same problem": a repeat of it updates the open
 * incident instead of opening another.
 */
export const normalizedAlertSchema = z.object({
  source: alertSourceSchema,
  fingerprint: z.string().min(1).max(512),
  status: z.enum(['firing', 'resolved']),
  title: z.string().min(1).max(500),
  summary: z.string().max(10_000).default(''),
  service: z.string().max(200).nullable(),
  resourceType: z.string().max(200).nullable(),
  policyName: z.string().max(500).nullable(),
  severity: severitySchema,
  startedAt: z.date(),
  endedAt: z.date().nullable(),
  labels: z.record(z.string(), z.string()),
  /** Link back to the alert in its own system (Cloud console, Alertmanager, ...). */
  url: z.string().nullable(),
  /** Further links the sender gave, shown on the incident's root message. */
  links: z.array(alertLinkSchema).max(MAX_ALERT_LINKS),
})
export type NormalizedAlert = z.infer<typeof normalizedAlertSchema>

export type IncidentStatus = 'open' | 'resolved'
export type ResolutionOutcome = 'worked' | 'partly' | 'failed' | 'unknown'
