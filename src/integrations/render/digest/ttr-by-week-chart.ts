import type { DigestChartData } from '../../../core/digest/digest-chart-data'
import { shortDate } from '../charts/calendar-labels'
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
import { durationUnitFor, formatMinutes } from '../charts/duration-unit'
import { bandScale, linearScale, niceTicks } from '../charts/scale'
import { textWidth } from '../svg-text'

const MEDIAN_COLOR = '#1d4ed8'
const P90_COLOR = '#ea580c'
const GAP_COLOR = '#e5e7eb'

/**
 * Time to resolve per week: the median and the p90 as lines over the weeks, in the unit the largest value
 * reads best in; a week without times breaks the lines and says so under its label.
 */
export function drawTtrByWeek(data: DigestChartData): ChartDrawing {
  const weeks = data.ttrByWeek
  const values = weeks.flatMap((w) => [w.medianMinutes, w.p90Minutes]).filter((v): v is number => v !== null && Number.isFinite(v))
  const unit = durationUnitFor(Math.max(0, ...values))
  const title = 'Time to resolve, by week'
  const range = weeks.length === 0 ? 'no weeks' : `weeks of ${shortDate(weeks[0]!.weekStart)} to ${shortDate(weeks[weeks.length - 1]!.weekStart)}`
  const subtitle = `${data.period.label} · ${range} · median and 90th percentile`
  const plot: PlotArea = { left: MARGIN + 110, top: PLOT_TOP, right: CHART_WIDTH - MARGIN - 90, bottom: CHART_HEIGHT - MARGIN - 104 }
  // With no times at all the axis still reads as a plausible hour, in minutes.
  const scale = niceTicks(0, values.length === 0 ? 60 : Math.max(0, ...values) / unit.minutes, 5)
  const y = linearScale([0, scale.max], [plot.bottom, plot.top])
  const bands = bandScale(Math.max(1, weeks.length), [plot.left, plot.right], 0)
  const gaps = values.length === 0 ? [] : weeks.flatMap((w, i) => (w.medianMinutes === null && w.p90Minutes === null ? [i] : []))
  const body: string[] = [
    // Weeks without times shaded under the grid, so the break in the lines reads as missing data, not as zero.
    ...gaps.map(
      (i) => `<rect x="${round(bands.start(i))}" y="${plot.top}" width="${round(bands.band)}" height="${plot.bottom - plot.top}" fill="${GAP_COLOR}"/>`,
    ),
    ...legend([
      { label: 'median', color: MEDIAN_COLOR, mark: 'line' },
      { label: '90th percentile', color: P90_COLOR, mark: 'dashed' },
      ...(gaps.length > 0 ? [{ label: 'no times', color: GAP_COLOR, mark: 'box' as const }] : []),
    ]),
    ...leftAxis(plot, scale.ticks, y, String, `Time to resolve (${unit.name})`),
  ]
  const point = (i: number, minutes: number) => [bands.center(i), y(minutes / unit.minutes)] as const
  for (const [key, color, dash] of [
    ['p90Minutes', P90_COLOR, ' stroke-dasharray="12 7"'],
    ['medianMinutes', MEDIAN_COLOR, ''],
  ] as const) {
    for (const segment of segments(weeks.map((w) => w[key]))) {
      if (segment.length > 1) {
        const points = segment.map(([i, m]) => point(i, m).map(round).join(',')).join(' ')
        body.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="4" stroke-linejoin="round"${dash}/>`)
      }
      for (const [i, m] of segment) {
        const [cx, cy] = point(i, m)
        body.push(`<circle cx="${round(cx)}" cy="${round(cy)}" r="7" fill="${color}" stroke="#ffffff" stroke-width="2"/>`)
      }
    }
  }
  // The latest week's figures written right of its points (the lines end there): the numbers the reader came for.
  const lastWithTimes = weeks
    .map((w, i) => [w, i] as const)
    .filter(([w]) => w.medianMinutes !== null || w.p90Minutes !== null)
    .pop()
  if (lastWithTimes) {
    const [week, i] = lastWithTimes
    const labels = [
      [week.p90Minutes, P90_COLOR],
      [week.medianMinutes, MEDIAN_COLOR],
    ] as const
    let previousY = Number.NEGATIVE_INFINITY
    for (const [minutes, color] of labels) {
      if (minutes === null) continue
      const [cx, cy] = point(i, minutes)
      const at = Math.max(cy + 8, previousY + 28, plot.top + 8)
      previousY = at
      body.push(text(cx + 16, at, formatMinutes(minutes), { fill: color, extra: `font-weight="bold" ${HALO}` }))
    }
  }
  for (const i of gaps)
    if (textWidth('no times', TEXT_SIZE) + 12 <= bands.band)
      body.push(text(bands.center(i), plot.bottom - 14, 'no times', { anchor: 'middle', fill: INK.muted }))
  body.push(
    ...categoryLabels(
      plot,
      weeks.map((w) => [shortDate(w.weekStart), incidents(w.incidents)]),
      bands.center,
      bands.band,
      'Week starting (Monday) · incidents that week',
    ),
  )
  if (values.length === 0)
    body.push(...emptyMessage(plot, ['No resolved incident with times', weeks.length === 0 ? 'No weeks to show' : `in any of these ${weeks.length} weeks`]))
  const altText =
    values.length === 0
      ? `${title}, ${data.period.label}: no incident in these weeks has the times to compute how long it took to resolve.`
      : `${title}, ${data.period.label}: ` +
        weeks
          .map(
            (w) =>
              `week of ${shortDate(w.weekStart)}: ` +
              (w.medianMinutes === null && w.p90Minutes === null
                ? `no times (${incidents(w.incidents)})`
                : `median ${w.medianMinutes === null ? 'n/a' : formatMinutes(w.medianMinutes)}, ` +
                  `p90 ${w.p90Minutes === null ? 'n/a' : formatMinutes(w.p90Minutes)} (${incidents(w.incidents)})`),
          )
          .join('; ') +
        '.'
  return { title, svg: chartDocument(title, subtitle, body), altText }
}

/** Runs of consecutive weeks that have a value, as [week index, minutes] pairs: a null ends a run. */
function segments(values: Array<number | null>): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = []
  let current: Array<[number, number]> = []
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 0) out.push(current)
      current = []
    } else current.push([i, v])
  })
  if (current.length > 0) out.push(current)
  return out
}

function incidents(count: number): string {
  return `${count} incident${count === 1 ? '' : 's'}`
}
