import type { KnownBlock } from '@slack/types'
import { describeMetricWarning, type MetricWarning } from '../../core/analysis/scan/metric-warnings'
import type { TelemetryWarningView } from '../../core/incidents/incident-thread'
import { context, escapeMrkdwn, link, section, type SlackMessage } from './block-kit'

// Slack allows 50 blocks; a fleet-wide failure is summarised rather than cut off.
const MAX_LISTED = 20

/** The responder's verdict on a warning message: every warning of it is marked. */
export const WARNING_USEFUL_ACTION_ID = 'telemetry_warning_useful'
export const WARNING_NOT_USEFUL_ACTION_ID = 'telemetry_warning_not_useful'

/**
 * What one telemetry scan found heading for trouble, forecasts first (they say how long is left),
 * then anomalies by onset (the earliest is the likeliest start), each with its chart.
 */
export function buildTelemetryWarningMessage(views: TelemetryWarningView[], cooldownMinutes: number): SlackMessage {
  const ordered = [...views].sort((a, b) => rank(a.warning) - rank(b.warning))
  const lines = ordered.map((v) => describeMetricWarning(v.warning))
  const blocks: KnownBlock[] = [
    section(`:warning: *Telemetry scan: ${views.length === 1 ? 'one metric' : `${views.length} metrics`} heading for trouble*`),
    ...ordered
      .slice(0, MAX_LISTED)
      .map((v, i) =>
        section(
          `${v.warning.kind === 'saturation' ? ':hourglass_flowing_sand:' : ':chart_with_upwards_trend:'} ` +
            `${escapeMrkdwn(lines[i]!)} · ${link(v.consoleLink, 'chart')}`,
        ),
      ),
  ]
  if (ordered.length > MAX_LISTED)
    blocks.push(
      section(
        escapeMrkdwn(
          `and ${ordered.length - MAX_LISTED} more: ${ordered
            .slice(MAX_LISTED)
            .map((v) => `${v.warning.service} ${v.warning.metric}`)
            .join(', ')}`,
        ),
      ),
    )
  blocks.push({
    type: 'actions',
    block_id: 'telemetry_warning_mark',
    elements: [
      { type: 'button', action_id: WARNING_USEFUL_ACTION_ID, text: { type: 'plain_text', text: 'Useful' }, value: 'useful' },
      { type: 'button', action_id: WARNING_NOT_USEFUL_ACTION_ID, text: { type: 'plain_text', text: 'Not useful' }, value: 'not_useful' },
    ],
  })
  blocks.push(
    context(
      `Proactive warning from the telemetry scan · each metric is warned about at most once in ${cooldownMinutes} min · ` +
        'scored against the incidents that follow (`sre-agent warnings stats`)',
    ),
  )
  return { text: `Warning: ${escapeMrkdwn(lines[0] ?? 'nothing')}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}`, blocks }
}

function rank(w: MetricWarning): number {
  return w.kind === 'saturation' ? w.fullAt.getTime() - 1e15 : w.onsetAt.getTime()
}
