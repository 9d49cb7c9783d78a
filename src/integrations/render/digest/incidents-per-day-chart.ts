import type { DigestChartData } from '../../../core/digest/digest-chart-data'
import { SEVERITIES, type Severity } from '../../../core/incidents/types'
import { shortDate, weekday } from '../charts/calendar-labels'
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  type ChartDrawing,
  categoryLabels,
  chartDocument,
  emptyMessage,
  HALO,
  INK,
  leftAxis,
  legend,
  MARGIN,
  PLOT_TOP,
  type PlotArea,
  round,
  TEXT_SIZE,
  text,
} from '../charts/chart-frame'
import { bandScale, linearScale, niceTicks } from '../charts/scale'
import { textWidth } from '../svg-text'

/** Severity colours, the same on every chart and in the same order as SEVERITIES (most severe at the bottom of a stack). */
export const SEVERITY_COLORS: Record<Severity, string> = { critical: '#b91c1c', high: '#ea580c', warning: '#eab308', info: '#3b82f6' }

/** Incidents opened each day, stacked by severity, with the day's total over each bar. */
export function drawIncidentsPerDay(data: DigestChartData): ChartDrawing {
  const days = data.incidentsPerDay
  const totals = days.map((d) => SEVERITIES.reduce((sum, s) => sum + (d.bySeverity[s] ?? 0), 0))
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, days.reduce((sum, d) => sum + (d.bySeverity[s] ?? 0), 0)])) as Record<Severity, number>
  const total = totals.reduce((a, b) => a + b, 0)
  const title = 'Incidents per day, by severity'
  const subtitle = `${data.period.label} · ${total} incident${total === 1 ? '' : 's'} opened`
  const busiest = totals.reduce((best, t, i) => (t > totals[best]! ? i : best), 0)
  const twoLines = days.length <= 14
  const plot: PlotArea = { left: MARGIN + 96, top: PLOT_TOP, right: CHART_WIDTH - MARGIN, bottom: CHART_HEIGHT - MARGIN - (twoLines ? 104 : 76) }
  const scale = niceTicks(0, Math.max(...totals, total === 0 ? 4 : 1), 6, { integer: true })
  const y = linearScale([0, scale.max], [plot.bottom, plot.top])
  const bands = bandScale(Math.max(1, days.length), [plot.left, plot.right], days.length > 14 ? 0.15 : 0.3)
  const body: string[] = [
    ...legend(SEVERITIES.map((s) => ({ label: `${s} (${bySeverity[s]})`, color: SEVERITY_COLORS[s], mark: 'box' as const }))),
    ...leftAxis(plot, scale.ticks, y, String, 'Incidents opened'),
  ]
  days.forEach((day, i) => {
    let base = 0
    for (const severity of SEVERITIES) {
      const count = day.bySeverity[severity] ?? 0
      if (count <= 0) continue
      const top = y(base + count)
      body.push(
        `<rect x="${round(bands.start(i))}" y="${round(top)}" width="${round(bands.band)}" height="${round(y(base) - top)}" ` +
          `fill="${SEVERITY_COLORS[severity]}" stroke="#ffffff" stroke-width="1.5"/>`,
      )
      base += count
    }
  })
  // Each day's total over its bar when they all fit side by side; otherwise only the busiest day's.
  const step = (plot.right - plot.left) / Math.max(1, days.length)
  const allFit = totals.every((t) => textWidth(String(t), TEXT_SIZE) + 8 <= step)
  days.forEach((_, i) => {
    if (totals[i]! > 0 && (allFit || i === busiest))
      body.push(text(bands.center(i), y(totals[i]!) - 10, String(totals[i]), { anchor: 'middle', fill: INK.title, extra: HALO }))
  })
  body.push(
    ...categoryLabels(
      plot,
      days.map((d) => (twoLines ? [weekday(d.day), shortDate(d.day)] : [shortDate(d.day)])),
      bands.center,
      bands.band,
      'Day opened',
    ),
  )
  if (total === 0)
    body.push(...emptyMessage(plot, ['No incidents in this period', days.length === 0 ? 'The period has no days' : `${days.length} days without an incident`]))
  const altText =
    total === 0
      ? `${title}, ${data.period.label}: no incidents were opened in this period.`
      : `${title}, ${data.period.label}: ${total} incidents (${SEVERITIES.map((s) => `${bySeverity[s]} ${s}`).join(', ')}). ` +
        `Busiest day ${dayName(days[busiest]!.day)} with ${totals[busiest]}. ` +
        `Per day: ${days.map((d, i) => `${dayName(d.day)} ${totals[i]}`).join(', ')}.`
  return { title, svg: chartDocument(title, subtitle, body), altText }
}

function dayName(day: string): string {
  return `${weekday(day)} ${shortDate(day)}`.trim()
}
