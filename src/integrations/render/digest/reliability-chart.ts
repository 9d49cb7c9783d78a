import type { DigestChartData } from '../../../core/digest/digest-chart-data'
import {
  bottomAxis,
  CHART_HEIGHT,
  CHART_WIDTH,
  type ChartDrawing,
  chartDocument,
  emptyMessage,
  HALO,
  INK,
  leftAxis,
  MARGIN,
  PLOT_TOP,
  type PlotArea,
  round,
  text,
} from '../charts/chart-frame'
import { linearScale } from '../charts/scale'

const POINT_COLOR = '#7c3aed'
const PERCENT_TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1]
/** Past this many bins the table beside the diagram would not fit; the diagram alone still shows them all. */
const MAX_TABLE_ROWS = 7

/**
 * The reliability diagram of the bot's stated confidence: each bin of confidence at (mean stated, observed rate),
 * sized by how many labelled outcomes it holds; on the diagonal the bot is right exactly as often as it says.
 * Beside it the Brier score and the bins as a table, so the figures can be read, not just seen.
 */
export function drawReliability(data: DigestChartData): ChartDrawing {
  const { bins, brier, labelled } = data.reliability
  const shown = bins.filter((b) => b.count > 0).sort((a, b) => a.from - b.from)
  const title = 'Confidence calibration (reliability diagram)'
  const brierText = brier === null ? 'no Brier score' : `Brier score ${brier.toFixed(3)}`
  const subtitle = `${data.period.label} · ${brierText} · ${labelled} labelled outcome${labelled === 1 ? '' : 's'}`
  const side = CHART_HEIGHT - MARGIN - 80 - PLOT_TOP
  const plot: PlotArea = { left: MARGIN + 110, top: PLOT_TOP, right: MARGIN + 110 + side, bottom: PLOT_TOP + side }
  const x = linearScale([0, 1], [plot.left, plot.right])
  const y = linearScale([0, 1], [plot.bottom, plot.top])
  const percent = (v: number) => `${Math.round(v * 100)}`
  const body: string[] = [
    ...leftAxis(plot, PERCENT_TICKS, y, percent, 'Observed right (%)'),
    ...bottomAxis(plot, PERCENT_TICKS, x, percent, 'Stated confidence (%)'),
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.top}" stroke="${INK.axis}" stroke-width="3" stroke-dasharray="10 7"/>`,
  ]
  if (labelled === 0 || shown.length === 0) {
    const beside: PlotArea = { left: plot.right + 40, top: plot.top, right: CHART_WIDTH - MARGIN, bottom: plot.bottom }
    body.push(
      ...emptyMessage(beside, [
        'No labelled outcomes',
        'in this period. Diagnoses marked right,',
        'partly right or wrong show how well',
        "the bot's confidence is calibrated.",
      ]),
    )
    const altText = `${title}, ${data.period.label}: no diagnosis was labelled right, partly right or wrong, so calibration cannot be measured.`
    return { title, svg: chartDocument(title, subtitle, body), altText }
  }
  const most = Math.max(...shown.map((b) => b.count))
  const radius = (count: number) => 7 + 15 * Math.sqrt(count / most)
  if (shown.length > 1)
    body.push(
      `<polyline points="${shown.map((b) => `${round(x(b.meanConfidence))},${round(y(b.observedRate))}`).join(' ')}" fill="none" stroke="${POINT_COLOR}" ` +
        'stroke-width="3" stroke-opacity="0.6"/>',
    )
  const labels: string[] = []
  for (const bin of shown) {
    const cx = x(bin.meanConfidence)
    const cy = y(bin.observedRate)
    const r = radius(bin.count)
    body.push(`<circle cx="${round(cx)}" cy="${round(cy)}" r="${round(r)}" fill="${POINT_COLOR}" fill-opacity="0.75" stroke="#ffffff" stroke-width="2"/>`)
    // A label goes on the side of its point away from the diagonal, unless that side has no room inside the plot.
    const roomAbove = cy - r - 8 - 22 >= plot.top - 10
    const roomBelow = cy + r + 24 <= plot.bottom - 4
    const below = (bin.observedRate < bin.meanConfidence && roomBelow) || !roomAbove
    labels.push(text(cx, below ? cy + r + 24 : cy - r - 8, `n=${bin.count}`, { anchor: 'middle', fill: INK.title, extra: HALO }))
  }
  // Labels over every point, so a neighbour's circle never hides one.
  body.push(...labels)
  body.push(...sidePanel(plot.right + 70, shown, brier, labelled))
  const altText =
    `${title}, ${data.period.label}: ${brierText.replace('no Brier score', 'Brier score not available')} on ${labelled} labelled outcomes. ` +
    shown
      .map((b) => `${percent(b.from)}–${percent(b.to)} % confidence: said ${percent(b.meanConfidence)} %, right ${percent(b.observedRate)} % (${b.count})`)
      .join('; ') +
    '.'
  return { title, svg: chartDocument(title, subtitle, body), altText }
}

function sidePanel(left: number, shown: DigestChartData['reliability']['bins'], brier: number | null, labelled: number): string[] {
  const out: string[] = []
  let at = PLOT_TOP + 14
  out.push(
    `<line x1="${left}" y1="${at - 8}" x2="${left + 40}" y2="${at - 8}" stroke="${INK.axis}" stroke-width="3" stroke-dasharray="10 7"/>`,
    text(left + 52, at, 'perfect calibration'),
  )
  at += 36
  out.push(
    `<circle cx="${left + 20}" cy="${at - 8}" r="12" fill="${POINT_COLOR}" fill-opacity="0.75"/>`,
    text(left + 52, at, 'a bin of confidence, sized by count'),
  )
  at += 36
  out.push(text(left, at, 'Above the line: right more often than it says', { fill: INK.muted }))
  at += 30
  out.push(text(left, at, 'Below: over-confident', { fill: INK.muted }))
  at += 44
  if (brier !== null) {
    out.push(text(left, at, `Brier ${brier.toFixed(3)} on ${labelled} outcomes`, { fill: INK.title, extra: 'font-weight="bold"' }))
    at += 30
    out.push(text(left, at, 'lower is better; always saying 50 % scores 0.250', { fill: INK.muted }))
    at += 44
  }
  if (shown.length > MAX_TABLE_ROWS) return out
  const columns = [left, left + 170, left + 290, left + 400]
  ;['confidence', 'said', 'right', 'n'].forEach((h, i) => {
    out.push(text(columns[i]!, at, h, { fill: INK.muted, extra: 'font-weight="bold"' }))
  })
  for (const bin of shown) {
    at += 30
    const cells = [
      `${Math.round(bin.from * 100)}–${Math.round(bin.to * 100)} %`,
      `${Math.round(bin.meanConfidence * 100)} %`,
      `${Math.round(bin.observedRate * 100)} %`,
      String(bin.count),
    ]
    cells.forEach((cell, i) => {
      out.push(text(columns[i]!, at, cell))
    })
  }
  return out
}
