import { escapeXml, textWidth } from '../svg-text'

/**
 * The frame every digest chart shares. Charts are drawn at 1200×675 (16:9) and posted at that size: Slack
 * previews them about half as wide, so no text is smaller than 22 px here, to stay legible there.
 */
export const CHART_WIDTH = 1200
export const CHART_HEIGHT = 675
export const MARGIN = 36
export const FONT = 'DejaVu Sans'
export const TEXT_SIZE = 22
export const TITLE_SIZE = 34
export const SUBTITLE_SIZE = 24
/** Where the plot may start below the title, subtitle and the legend row. */
export const PLOT_TOP = 190
export const LEGEND_Y = 140
/** Bold DejaVu runs about 12 % wider than the regular widths textWidth knows. */
const BOLD_WIDTH = 1.12

/** A white outline drawn under a label's glyphs, so it stays readable where it crosses a line or a point. */
export const HALO = 'stroke="#ffffff" stroke-width="6" stroke-linejoin="round" paint-order="stroke"'

export const INK = { title: '#111827', text: '#374151', muted: '#6b7280', axis: '#9ca3af', grid: '#e5e7eb' }

/** One chart drawn: its title, the SVG, and the text that describes it to someone who cannot see it. */
export interface ChartDrawing {
  title: string
  svg: string
  altText: string
}

/** The rectangle data is drawn in, in pixels. */
export interface PlotArea {
  left: number
  top: number
  right: number
  bottom: number
}

/** An SVG text element, escaped; `attrs` carries anchors, weight, rotation. */
export function text(
  x: number,
  y: number,
  content: string,
  attrs: { size?: number; fill?: string; anchor?: 'start' | 'middle' | 'end'; extra?: string } = {},
): string {
  const anchor = attrs.anchor && attrs.anchor !== 'start' ? ` text-anchor="${attrs.anchor}"` : ''
  const extra = attrs.extra ? ` ${attrs.extra}` : ''
  const style = `font-size="${attrs.size ?? TEXT_SIZE}" fill="${attrs.fill ?? INK.text}"${anchor}${extra}`
  return `<text x="${round(x)}" y="${round(y)}" ${style}>${escapeXml(content)}</text>`
}

/** The whole document: white background, title in bold, the subtitle (the period, what is counted) under it. */
export function chartDocument(title: string, subtitle: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" ` +
      `font-family="${FONT}">`,
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    text(MARGIN, MARGIN + 30, fitText(title, TITLE_SIZE * BOLD_WIDTH, CHART_WIDTH - 2 * MARGIN), {
      size: TITLE_SIZE,
      fill: INK.title,
      extra: 'font-weight="bold"',
    }),
    text(MARGIN, MARGIN + 70, fitText(subtitle, SUBTITLE_SIZE, CHART_WIDTH - 2 * MARGIN), { size: SUBTITLE_SIZE, fill: INK.muted }),
    ...body,
    '</svg>',
  ].join('\n')
}

/** Horizontal grid lines and labels of a value axis on the left, with its title (and unit) written upwards. */
export function leftAxis(plot: PlotArea, ticks: number[], y: (v: number) => number, label: (v: number) => string, title: string): string[] {
  const out: string[] = []
  for (const tick of ticks) {
    const at = y(tick)
    out.push(`<line x1="${plot.left}" y1="${round(at)}" x2="${plot.right}" y2="${round(at)}" stroke="${tick === 0 ? INK.axis : INK.grid}" stroke-width="1.5"/>`)
    out.push(text(plot.left - 12, at + 8, label(tick), { anchor: 'end' }))
  }
  const cy = (plot.top + plot.bottom) / 2
  out.push(text(MARGIN + 20, cy, title, { anchor: 'middle', fill: INK.muted, extra: `transform="rotate(-90 ${MARGIN + 20} ${round(cy)})"` }))
  return out
}

/** Vertical grid lines and labels of a value axis along the bottom, with its title under them. */
export function bottomAxis(plot: PlotArea, ticks: number[], x: (v: number) => number, label: (v: number) => string, title: string): string[] {
  const out: string[] = []
  for (const tick of ticks) {
    const at = x(tick)
    out.push(`<line x1="${round(at)}" y1="${plot.top}" x2="${round(at)}" y2="${plot.bottom}" stroke="${tick === 0 ? INK.axis : INK.grid}" stroke-width="1.5"/>`)
    out.push(text(at, plot.bottom + 32, label(tick), { anchor: 'middle' }))
  }
  out.push(text((plot.left + plot.right) / 2, plot.bottom + 70, title, { anchor: 'middle', fill: INK.muted }))
  return out
}

/**
 * Category labels under a band axis (days, weeks), one or two lines each; when they would collide only
 * every k-th is written, always keeping the first and the last so the range reads at a glance.
 */
export function categoryLabels(plot: PlotArea, labels: Array<[string, string?]>, center: (i: number) => number, bandWidth: number, title: string): string[] {
  const widest = Math.max(0, ...labels.map(([a, b]) => Math.max(textWidth(a, TEXT_SIZE), b ? textWidth(b, TEXT_SIZE) : 0)))
  const every = Math.max(1, Math.ceil((widest + 14) / Math.max(1, bandWidth)))
  const out: string[] = []
  const last = labels.length - 1
  labels.forEach(([first, second], i) => {
    const shown = i % every === 0 ? last - i >= every || i === last : i === last
    if (!shown) return
    out.push(text(center(i), plot.bottom + 30, first, { anchor: 'middle' }))
    if (second) out.push(text(center(i), plot.bottom + 56, second, { anchor: 'middle', fill: INK.muted }))
  })
  out.push(text((plot.left + plot.right) / 2, plot.bottom + (labels.some(([, b]) => b) ? 92 : 66), title, { anchor: 'middle', fill: INK.muted }))
  return out
}

export type LegendMark = 'box' | 'line' | 'dashed' | 'tick' | 'dot'

/** The legend, one row right-aligned over the plot; each entry a mark in its colour and a label. */
export function legend(items: Array<{ label: string; color: string; mark: LegendMark }>, right = CHART_WIDTH - MARGIN, y = LEGEND_Y): string[] {
  const widths = items.map((item) => 36 + textWidth(item.label, TEXT_SIZE))
  const gap = 28
  let x = right - widths.reduce((a, b) => a + b, 0) - gap * (items.length - 1)
  const out: string[] = []
  items.forEach((item, i) => {
    out.push(legendMark(item.mark, item.color, x, y))
    out.push(text(x + 34, y + 8, item.label))
    x += widths[i]! + gap
  })
  return out
}

function legendMark(mark: LegendMark, color: string, x: number, y: number): string {
  switch (mark) {
    case 'box':
      return `<rect x="${x}" y="${y - 11}" width="24" height="22" rx="3" fill="${color}"/>`
    case 'line':
      return `<line x1="${x}" y1="${y}" x2="${x + 26}" y2="${y}" stroke="${color}" stroke-width="4"/>`
    case 'dashed':
      return `<line x1="${x}" y1="${y}" x2="${x + 26}" y2="${y}" stroke="${color}" stroke-width="4" stroke-dasharray="7 4"/>`
    case 'tick':
      return `<line x1="${x + 12}" y1="${y - 14}" x2="${x + 12}" y2="${y + 14}" stroke="${color}" stroke-width="5"/>`
    case 'dot':
      return `<circle cx="${x + 12}" cy="${y}" r="10" fill="${color}"/>`
  }
}

/** What an empty chart says instead of data, centred over the plot on a white box so grid lines do not cross it. */
export function emptyMessage(plot: PlotArea, lines: string[]): string[] {
  const cx = (plot.left + plot.right) / 2
  const cy = (plot.top + plot.bottom) / 2
  const width = Math.max(...lines.map((line, i) => (i === 0 ? BOLD_WIDTH * textWidth(line, 28) : textWidth(line, TEXT_SIZE)))) + 56
  const height = 28 + lines.length * 36
  const top = cy - height / 2
  return [
    `<rect x="${round(cx - width / 2)}" y="${round(top)}" width="${round(width)}" height="${height}" rx="8" fill="#f9fafb" ` +
      `stroke="${INK.grid}" stroke-width="2"/>`,
    ...lines.map((line, i) =>
      text(cx, top + 44 + i * 36, line, {
        anchor: 'middle',
        size: i === 0 ? 28 : TEXT_SIZE,
        fill: i === 0 ? INK.title : INK.muted,
        extra: i === 0 ? 'font-weight="bold"' : '',
      }),
    ),
  ]
}

/** `value` cut with "…" until it fits `maxWidth` pixels at `size`. */
export function fitText(value: string, size: number, maxWidth: number): string {
  if (textWidth(value, size) <= maxWidth) return value
  const chars = [...value]
  let n = chars.length
  while (n > 1 && textWidth(`${chars.slice(0, n).join('')}…`, size) > maxWidth) n--
  return `${chars.slice(0, n).join('')}…`
}

export function round(value: number): number {
  return Math.round(value * 10) / 10
}
