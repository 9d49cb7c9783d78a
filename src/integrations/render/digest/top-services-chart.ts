import type { DigestChartData } from '../../../core/digest/digest-chart-data'
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  type ChartDrawing,
  chartDocument,
  emptyMessage,
  fitText,
  INK,
  legend,
  MARGIN,
  PLOT_TOP,
  type PlotArea,
  round,
  text,
  TEXT_SIZE,
  bottomAxis,
} from '../charts/chart-frame'
import { bandScale, linearScale, niceTicks } from '../charts/scale'
import { textWidth } from '../svg-text'

const CURRENT_COLOR = '#4f46e5'
const PREVIOUS_COLOR = '#111827'
/** Service names get at most this much room on the left; longer ones are cut with "…". */
const MAX_NAME_WIDTH = 340

/** The services with the most incidents, one bar each, with the previous period's count as a dark tick across it. */
export function drawTopServices(data: DigestChartData): ChartDrawing {
  const services = data.topServices.slice(0, 10)
  const title = 'Top services by incidents'
  const subtitle = `${data.period.label} · compared with the previous period of the same length`
  const names = services.map((s) => fitText(s.service, TEXT_SIZE, MAX_NAME_WIDTH))
  const nameWidth = Math.max(120, ...names.map((n) => textWidth(n, TEXT_SIZE)))
  const valueLabels = services.map((s) => `${s.incidents} (was ${s.previous})`)
  const labelWidth = Math.max(0, ...valueLabels.map((l) => textWidth(l, TEXT_SIZE)))
  const plot: PlotArea = {
    left: MARGIN + nameWidth + 16,
    top: PLOT_TOP,
    right: CHART_WIDTH - MARGIN - Math.max(40, labelWidth + 16),
    bottom: CHART_HEIGHT - MARGIN - 80,
  }
  const max = Math.max(0, ...services.flatMap((s) => [s.incidents, s.previous]))
  const scale = niceTicks(0, max || 4, 6, { integer: true })
  const x = linearScale([0, scale.max], [plot.left, plot.right])
  // Bands sized for at least five rows, so two services do not become two fat bars.
  const bands = bandScale(Math.max(5, services.length), [plot.top, plot.bottom], 0.3)
  const body: string[] = [
    ...legend([
      { label: 'this period', color: CURRENT_COLOR, mark: 'box' },
      { label: 'previous period', color: PREVIOUS_COLOR, mark: 'tick' },
    ]),
    ...bottomAxis(plot, scale.ticks, x, String, 'Incidents opened'),
  ]
  services.forEach((s, i) => {
    const top = bands.start(i)
    const cy = bands.center(i)
    body.push(text(plot.left - 14, cy + 8, names[i]!, { anchor: 'end', fill: INK.title }))
    if (s.incidents > 0)
      body.push(
        `<rect x="${plot.left}" y="${round(top)}" width="${round(x(s.incidents) - plot.left)}" height="${round(bands.band)}" rx="3" fill="${CURRENT_COLOR}"/>`,
      )
    const px = x(s.previous)
    body.push(
      `<line x1="${round(px)}" y1="${round(top - 5)}" x2="${round(px)}" y2="${round(top + bands.band + 5)}" stroke="${PREVIOUS_COLOR}" stroke-width="5"/>`,
    )
    body.push(text(Math.max(x(s.incidents), px) + 14, cy + 8, valueLabels[i]!, { fill: INK.text }))
  })
  if (services.length === 0) body.push(...emptyMessage(plot, ['No incidents on any service', 'in this period']))
  const altText =
    services.length === 0
      ? `${title}, ${data.period.label}: no service had an incident in this period.`
      : `${title}, ${data.period.label}: ${services.map((s) => `${s.service} ${s.incidents} (previous period ${s.previous})`).join(', ')}.`
  return { title, svg: chartDocument(title, subtitle, body), altText }
}
