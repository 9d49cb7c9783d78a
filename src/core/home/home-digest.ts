import type { Digest } from '../digest/compute-digest'
import { DIGEST_CHART_NAMES, type DigestChartName } from '../digest/digest-chart-data'
import { comparisonText, timeFigureText } from '../digest/digest-text'
import type { HomeDigestSection } from './home-dashboard'

const CHART_TITLES: Record<DigestChartName, string> = {
  'incidents-per-day': 'Incidents per day, by severity',
  'ttr-by-week': 'Time to resolve by week (median and p90)',
  'top-services': 'Services with the most incidents',
  reliability: 'Reliability of the stated confidence',
}

/**
 * The Home tab's part of the latest posted digest: its headline figures (plain text) and its charts, by the Slack file
 * ids they were uploaded as (in DIGEST_CHART_NAMES order), each with a title and a text for screen readers.
 */
export function homeDigestSection(d: Digest, fileIds: readonly string[]): HomeDigestSection {
  const severities = d.incidents.bySeverity.map((s) => `${s.severity} ${s.current}`).join(', ')
  const top = d.incidents.byService.find((s) => s.service !== null && s.current > 0)
  const figures = [
    `Incidents: ${comparisonText(d.incidents.total)}${severities ? ` — ${severities}` : ''}`,
    `Time to acknowledge: ${timeFigureText(d.responseTimes.acknowledge)}`,
    `Time to resolve: ${timeFigureText(d.responseTimes.resolve)}`,
    `Playbook runs: ${comparisonText(d.playbooks.runs)}; approvals requested ${d.playbooks.approvals.requested}, pending ${d.playbooks.approvals.pending}`,
    `Follow-up actions open: ${comparisonText(d.followups.open)}; overdue: ${comparisonText(d.followups.overdue)}`,
  ]
  const alt: Record<DigestChartName, string> = {
    'incidents-per-day': `Incidents per day over ${d.period.label}, stacked by severity: ${d.incidents.total.current} in all.`,
    'ttr-by-week': `Weekly median and p90 time to resolve up to ${d.period.label}; this period ${timeFigureText(d.responseTimes.resolve)}.`,
    'top-services': top
      ? `Services ranked by incidents over ${d.period.label}; most: ${top.service} with ${top.current}.`
      : `No service had incidents over ${d.period.label}.`,
    reliability: `Stated confidence against how often the diagnosis was right, on ${d.accuracy.calibration.labelled} labelled diagnoses.`,
  }
  const charts = fileIds.slice(0, DIGEST_CHART_NAMES.length).map((fileId, i) => {
    const name = DIGEST_CHART_NAMES[i]!
    return { fileId, title: `${CHART_TITLES[name]} · ${d.period.label}`, altText: alt[name] }
  })
  return { periodLabel: d.period.label, figures, charts }
}
