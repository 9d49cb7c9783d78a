import type { AlertConditionSummary, AlertPolicySummary, ConsoleLinks } from '../../telemetry/port'
import type { EvidenceItem } from '../evidence'

const COMPARISON_WORDS: Record<string, string> = {
  '>': 'above',
  '>=': 'at or above',
  '<': 'below',
  '<=': 'at or below',
  '==': 'equal to',
  '!=': 'not equal to',
}

/** "p95 latency above 2 s for 5 min: above 2000 for 5 min" and the like, one per condition. */
export function describeAlertCondition(c: AlertConditionSummary): string {
  const lasting = c.durationSeconds ? ` for ${formatDuration(c.durationSeconds)}` : ''
  switch (c.kind) {
    case 'threshold':
      return `${c.displayName} (${c.comparison ? COMPARISON_WORDS[c.comparison] : 'threshold'} ${c.threshold ?? '?'}${lasting})`
    case 'absence':
      return `${c.displayName} (no data${lasting})`
    case 'log_match':
      return `${c.displayName} (log match)`
    case 'unknown':
      return c.displayName
    default:
      return `${c.displayName} (${c.kind === 'mql' ? 'MQL' : c.kind === 'promql' ? 'PromQL' : 'SQL'} query${lasting})`
  }
}

function formatDuration(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`
  return `${Number(seconds.toPrecision(3))} s`
}

/** The policy that fired as one piece of evidence: its conditions, filters, runbook and labels. */
export function alertPolicyEvidence(policy: AlertPolicySummary, links: ConsoleLinks | undefined): EvidenceItem {
  const conditions = policy.conditions.map(describeAlertCondition)
  const shown = conditions.length > 2 ? [...conditions.slice(0, 2), `${conditions.length - 2} more`] : conditions
  const filters = policy.conditions
    .filter((c) => c.filter)
    .slice(0, 2)
    .map((c) => `Filter: ${c.filter}`)
  const labels = Object.entries(policy.userLabels).map(([k, v]) => `${k}=${v}`)
  const facts = [
    policy.severity && `severity ${policy.severity}`,
    labels.length > 0 && `labels ${labels.join(', ')}`,
    `${policy.notificationChannelCount} notification channel${policy.notificationChannelCount === 1 ? '' : 's'}`,
  ].filter(Boolean)
  const documentation = policy.documentation ? `Documentation: ${policy.documentation.split('\n')[0]!.slice(0, 300)}` : null
  const joined = shown.join(` ${policy.combiner === 'OR' ? 'or' : 'and'} `) || 'no conditions'
  return {
    source: 'metrics',
    title: `Alert policy ${policy.displayName}: ${joined}${policy.enabled ? '' : ' (disabled)'}`,
    detail: [...filters, documentation, facts.join(' · ')].filter(Boolean).join('\n'),
    link: links?.alertPolicy(policy.name) ?? null,
    anomalous: false,
    data: {
      policy: policy.name,
      displayName: policy.displayName,
      conditions: policy.conditions.map((c) => ({ ...c })),
      userLabels: { ...policy.userLabels },
      severity: policy.severity,
      enabled: policy.enabled,
      notificationChannelCount: policy.notificationChannelCount,
    },
  }
}
