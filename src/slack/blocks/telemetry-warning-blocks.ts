import type { KnownBlock } from '@slack/types'
import { describeMetricWarning, type MetricWarning } from '../../core/analysis/scan/metric-warnings'
import { formatMetricValue } from '../../core/analysis/series-stats'
import { context, escapeMrkdwn, link, section, type SlackMessage } from './block-kit'

export interface TelemetryWarningView {
  warning: MetricWarning
  /** Metrics Explorer on the series, over the points the warning was read from. */
  consoleLink: string
  cooldownMinutes: number
}

/** A proactive warning from the telemetry scan: what is heading for trouble, the numbers, the chart. */
export function buildTelemetryWarningMessage(view: TelemetryWarningView): SlackMessage {
  const { warning: w } = view
  const line = describeMetricWarning(w)
  const heading = w.kind === 'anomaly' ? ':warning: *Anomaly before any alert*' : ':hourglass_flowing_sand: *Saturation ahead*'
  const facts =
    w.kind === 'anomaly'
      ? `${w.points} consecutive anomalous points (detector: ${w.signal?.replace(/-/g, ' ') ?? 'surprise'}); median ${formatMetricValue(w.value, w.unit)} since the onset`
      : `Trend over the last 30 min: ${formatMetricValue(w.level, w.unit)} now, limit 100%`
  const blocks: KnownBlock[] = [
    section(`${heading}\n${escapeMrkdwn(line)}`),
    section(`${escapeMrkdwn(facts)}\n${link(view.consoleLink, 'Open in Metrics Explorer')}`),
    context(`Proactive warning from the telemetry scan · no other warning about ${escapeMrkdwn(`${w.service} ${w.metric}`)} for ${view.cooldownMinutes} min`),
  ]
  return { text: `Warning: ${line}`, blocks }
}
