import { z } from 'zod'
import { TelemetryQueryError, type AlertComparison, type AlertConditionSummary, type AlertPolicySummary } from '../../core/telemetry/port'
import type { CallApi } from './api-call-gate'
import { quoteFilterString } from './filter-syntax'
import type { GaxCallOptions, GcpClients } from './gcp-clients'
import { redactSecrets } from './redact-secrets'
import { parseResponse } from './response-fields'

const MAX_DOCUMENTATION_CHARS = 1_000
const MAX_FILTER_CHARS = 1_000
/** Display names are not unique; a few candidates are enough to prefer an enabled one. */
const DISPLAY_NAME_PAGE_SIZE = 10
/** gRPC NOT_FOUND, as google-gax reports it in `err.code`. */
const GRPC_NOT_FOUND = 5

/** projects/P/alertPolicies/ID, optionally followed by /conditions/C (the condition name a notification carries). */
const RESOURCE_NAME = /^(projects\/[A-Za-z0-9.:_-]{1,128}\/alertPolicies\/[A-Za-z0-9_-]{1,256})(?:\/conditions\/[A-Za-z0-9_-]{1,256})?$/

const COMPARISONS: Record<string, AlertComparison> = {
  COMPARISON_GT: '>',
  COMPARISON_GE: '>=',
  COMPARISON_LT: '<',
  COMPARISON_LE: '<=',
  COMPARISON_EQ: '==',
  COMPARISON_NE: '!=',
}

const durationSchema = z.object({ seconds: z.union([z.string().regex(/^-?\d+$/), z.number()]).nullish(), nanos: z.number().nullish() })
const filtered = z.object({ filter: z.string().nullish(), duration: durationSchema.nullish() })
const queried = z.object({ query: z.string().nullish(), duration: durationSchema.nullish() })

/** google.monitoring.v3.AlertPolicy as google-gax decodes it (camelCase, enums as names, oneof names set). */
const alertPolicySchema = z.object({
  name: z.string().regex(/^(projects|organizations|folders)\/[^/]+\/alertPolicies\/[^/]+$/, 'must be an alert policy resource name'),
  displayName: z.string().nullish(),
  documentation: z.object({ content: z.string().nullish(), subject: z.string().nullish() }).nullish(),
  userLabels: z.record(z.string(), z.string()).nullish(),
  conditions: z
    .array(
      z.object({
        name: z.string().nullish(),
        displayName: z.string().nullish(),
        conditionThreshold: filtered.extend({ comparison: z.string().nullish(), thresholdValue: z.number().nullish() }).nullish(),
        conditionAbsent: filtered.nullish(),
        conditionMatchedLog: z.object({ filter: z.string().nullish() }).nullish(),
        conditionMonitoringQueryLanguage: queried.nullish(),
        conditionPrometheusQueryLanguage: queried.nullish(),
        conditionSql: z.object({ query: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
  combiner: z.string().nullish(),
  enabled: z.object({ value: z.boolean().nullish() }).nullish(),
  notificationChannels: z.array(z.string()).nullish(),
  severity: z.string().nullish(),
})
const listAlertPoliciesResponseSchema = z.object({ alertPolicies: z.array(alertPolicySchema).nullish() })

type AlertPolicy = z.infer<typeof alertPolicySchema>

/** How a policy is asked for: by resource name (GetAlertPolicy) or by display name (ListAlertPolicies with a filter). */
export type AlertPolicyRequest = { method: 'getAlertPolicy'; name: string } | { method: 'listAlertPolicies'; name: string; filter: string; pageSize: number }

/**
 * A notification names the policy by display name (`policy_name`) and the condition by
 * resource name (`condition.name`); either finds the policy.
 */
export function alertPolicyRequest(projectId: string, policyName: string): AlertPolicyRequest {
  const text = policyName.trim()
  if (text === '') throw new TelemetryQueryError('alert policy name is empty')
  const byName = RESOURCE_NAME.exec(text)
  if (byName) return { method: 'getAlertPolicy', name: byName[1]! }
  if (/^projects\//.test(text) && text.includes('/alertPolicies/'))
    throw new TelemetryQueryError(`alert policy name "${text.slice(0, 200)}" is malformed; expected projects/PROJECT/alertPolicies/ID`)
  return {
    method: 'listAlertPolicies',
    name: `projects/${projectId}`,
    filter: `display_name = ${quoteFilterString(text, 'alert policy display name')}`,
    pageSize: DISPLAY_NAME_PAGE_SIZE,
  }
}

export async function fetchAlertPolicy(clients: GcpClients, call: CallApi, request: AlertPolicyRequest): Promise<AlertPolicySummary | null> {
  const options = (timeout: number): GaxCallOptions => ({ autoPaginate: false, retry: null, timeout })
  if (request.method === 'getAlertPolicy') {
    const raw = await call(async (timeout) => {
      try {
        const [policy] = await clients.alertPolicies.getAlertPolicy({ name: request.name }, options(timeout))
        return policy as unknown
      } catch (err) {
        // A policy deleted since it fired is an answer (no policy), not a failure of the source.
        if ((err as { code?: unknown })?.code === GRPC_NOT_FOUND) return null
        throw err
      }
    }, `getAlertPolicy ${request.name}`)
    return raw === null ? null : summarizeAlertPolicy(parseResponse('monitoring', 'getAlertPolicy', alertPolicySchema, raw))
  }
  const [, , raw] = await call(
    (timeout) => clients.alertPolicies.listAlertPolicies({ name: request.name, filter: request.filter, pageSize: request.pageSize }, options(timeout)),
    `listAlertPolicies filter ${request.filter}`,
  )
  const policies = parseResponse('monitoring', 'listAlertPolicies', listAlertPoliciesResponseSchema, raw).alertPolicies ?? []
  // Several policies may share a display name; the one that can fire is the one meant.
  const chosen = policies.find((p) => p.enabled?.value !== false) ?? policies[0]
  return chosen ? summarizeAlertPolicy(chosen) : null
}

export function summarizeAlertPolicy(policy: AlertPolicy): AlertPolicySummary {
  const documentation = policy.documentation?.content?.trim()
  return {
    name: policy.name,
    displayName: policy.displayName || policy.name,
    // BoolValue: absent means enabled.
    enabled: policy.enabled?.value !== false,
    combiner: policy.combiner && policy.combiner !== 'COMBINE_UNSPECIFIED' ? policy.combiner : 'OR',
    conditions: (policy.conditions ?? []).map(summarizeCondition),
    documentation: documentation ? redactSecrets(documentation).slice(0, MAX_DOCUMENTATION_CHARS) : null,
    userLabels: { ...(policy.userLabels ?? {}) },
    severity: policy.severity && policy.severity !== 'SEVERITY_UNSPECIFIED' ? policy.severity : null,
    notificationChannelCount: policy.notificationChannels?.length ?? 0,
  }
}

function summarizeCondition(c: NonNullable<AlertPolicy['conditions']>[number]): AlertConditionSummary {
  const displayName = c.displayName || c.name || '(unnamed condition)'
  const text = (s: string | null | undefined) => (s ? redactSecrets(s).slice(0, MAX_FILTER_CHARS) : null)
  const base = { displayName, filter: null, comparison: null, threshold: null, durationSeconds: null }
  if (c.conditionThreshold) {
    const t = c.conditionThreshold
    return {
      ...base,
      kind: 'threshold',
      filter: text(t.filter),
      comparison: t.comparison ? (COMPARISONS[t.comparison] ?? null) : null,
      threshold: t.thresholdValue ?? null,
      durationSeconds: seconds(t.duration),
    }
  }
  if (c.conditionAbsent) return { ...base, kind: 'absence', filter: text(c.conditionAbsent.filter), durationSeconds: seconds(c.conditionAbsent.duration) }
  if (c.conditionMatchedLog) return { ...base, kind: 'log_match', filter: text(c.conditionMatchedLog.filter) }
  if (c.conditionMonitoringQueryLanguage)
    return {
      ...base,
      kind: 'mql',
      filter: text(c.conditionMonitoringQueryLanguage.query),
      durationSeconds: seconds(c.conditionMonitoringQueryLanguage.duration),
    }
  if (c.conditionPrometheusQueryLanguage)
    return {
      ...base,
      kind: 'promql',
      filter: text(c.conditionPrometheusQueryLanguage.query),
      durationSeconds: seconds(c.conditionPrometheusQueryLanguage.duration),
    }
  if (c.conditionSql) return { ...base, kind: 'sql', filter: text(c.conditionSql.query) }
  return { ...base, kind: 'unknown' }
}

function seconds(d: z.infer<typeof durationSchema> | null | undefined): number | null {
  if (!d) return null
  return Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9
}
