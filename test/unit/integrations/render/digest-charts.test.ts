import { Resvg } from '@resvg/resvg-js'
import { beforeAll, describe, expect, it } from 'vitest'
import { DIGEST_CHART_NAMES, type DigestChartData, type RenderedChart } from '../../../../src/core/digest/digest-chart-data'
import { shortDate, weekday } from '../../../../src/integrations/render/charts/calendar-labels'
import { durationUnitFor, formatMinutes } from '../../../../src/integrations/render/charts/duration-unit'
import { renderDigestCharts } from '../../../../src/integrations/render/digest-charts'
import { DEJAVU_SANS } from '../../../../src/integrations/render/svg-to-png'
import { svgTexts as texts } from '../../../support/svg-texts'

const period = { since: new Date('2026-11-30T00:00:00Z'), until: new Date('2026-12-07T00:00:00Z'), label: '30 Nov – 6 Dec 2026' }
const zeroes = { critical: 0, high: 0, warning: 0, info: 0 }
const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']
const HOSTILE = '<script>&"'

const week: DigestChartData = {
  period,
  incidentsPerDay: days.map((day, i) => ({ day, bySeverity: { critical: i === 3 ? 2 : 0, high: i % 2, warning: i === 1 ? 3 : 1, info: 0 } })),
  ttrByWeek: [
    { weekStart: '2026-11-16', medianMinutes: 41, p90Minutes: 150, incidents: 17 },
    { weekStart: '2026-11-23', medianMinutes: null, p90Minutes: null, incidents: 1 },
    { weekStart: '2026-11-30', medianMinutes: 27, p90Minutes: 96, incidents: 12 },
  ],
  topServices: [
    { service: 'checkout-api', incidents: 7, previous: 3 },
    { service: HOSTILE, incidents: 5, previous: 6 },
  ],
  reliability: {
    bins: [
      { from: 0.5, to: 0.6, meanConfidence: 0.55, observedRate: 0.4, count: 5 },
      { from: 0.6, to: 0.7, meanConfidence: 0.66, observedRate: 0.57, count: 7 },
      { from: 0.9, to: 1, meanConfidence: 0.95, observedRate: 1, count: 0 },
    ],
    brier: 0.214,
    labelled: 12,
  },
}

const empty: DigestChartData = {
  period,
  incidentsPerDay: days.map((day) => ({ day, bySeverity: zeroes })),
  ttrByWeek: [{ weekStart: '2026-11-30', medianMinutes: null, p90Minutes: null, incidents: 0 }],
  topServices: [],
  reliability: { bins: [], brier: null, labelled: 0 },
}

/** Share of pixels that are not (near) white, from resvg's own decoding of the PNG. */
function inkedShare(chart: RenderedChart): number {
  const image = new Resvg(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${chart.width}" height="${chart.height}">` +
      `<image width="${chart.width}" height="${chart.height}" xlink:href="data:image/png;base64,${chart.png.toString('base64')}"/></svg>`,
    { font: { loadSystemFonts: false, fontFiles: [DEJAVU_SANS] } },
  ).render()
  const pixels = image.pixels
  let inked = 0
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 235 || pixels[i + 1]! < 235 || pixels[i + 2]! < 235) inked++
  return inked / (pixels.length / 4)
}

function byName(charts: RenderedChart[], name: (typeof DIGEST_CHART_NAMES)[number]): RenderedChart {
  return charts.find((c) => c.name === name)!
}

describe('renderDigestCharts', () => {
  // Drawn once: rasterising four charts takes most of a second.
  let charts: RenderedChart[]
  beforeAll(async () => {
    charts = await renderDigestCharts(week)
  })

  it('draws the four charts as 1200×675 PNGs that decode and are not blank', () => {
    expect(charts.map((c) => c.name)).toEqual([...DIGEST_CHART_NAMES])
    for (const chart of charts) {
      expect(chart.png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      expect(chart.png.subarray(12, 16).toString('latin1')).toBe('IHDR')
      expect([chart.png.readUInt32BE(16), chart.png.readUInt32BE(20)]).toEqual([1200, 675])
      expect([chart.width, chart.height]).toEqual([1200, 675])
      expect(inkedShare(chart)).toBeGreaterThan(0.02)
      expect(chart.altText.length).toBeGreaterThan(40)
    }
  })

  it('stacks every severity in its colour, labels the days and the day totals, and says it in the alt text', () => {
    const chart = byName(charts, 'incidents-per-day')
    const shown = texts(chart.svg)
    expect(shown).toEqual(expect.arrayContaining(['Incidents per day, by severity', 'Mon', '30 Nov', 'Incidents opened', 'critical (2)', 'warning (9)']))
    // Day totals 1, 4, 1, 4, 1, 2, 1 on an axis of 0 to 4: "1" is a tick and four totals.
    expect(shown.filter((t) => t === '1')).toHaveLength(5)
    // Only Thursday has critical incidents: one segment, plus the legend's box.
    expect(chart.svg.match(/fill="#b91c1c"/g)).toHaveLength(2)
    expect(chart.altText).toContain('14 incidents (2 critical, 3 high, 9 warning, 0 info)')
    expect(chart.altText).toContain('Busiest day Tue 1 Dec with 4')
  })

  it('breaks the time-to-resolve lines at a week without times, in the unit the largest value reads best in', () => {
    const chart = byName(charts, 'ttr-by-week')
    const shown = texts(chart.svg)
    // p90 reaches 150 min: hours. Two separate points either side of the gap, so no polyline joins them.
    expect(shown).toEqual(expect.arrayContaining(['Time to resolve (hours)', 'no times', '27 min', '96 min', '23 Nov', '1 incident']))
    expect(chart.svg.match(/<polyline/g)).toBeNull()
    expect(chart.svg.match(/<circle/g)).toHaveLength(4)
    expect(chart.altText).toContain('week of 23 Nov: no times (1 incident)')
  })

  it('escapes a hostile service name so the SVG stays well-formed and shows it as text', () => {
    const chart = byName(charts, 'top-services')
    expect(chart.svg).not.toContain('<script')
    expect(chart.svg).toContain('&lt;script&gt;&amp;&quot;')
    expect(texts(chart.svg)).toEqual(expect.arrayContaining([HOSTILE, '5 (was 6)', '7 (was 3)']))
    expect(chart.altText).toContain(`${HOSTILE} 5 (previous period 6)`)
  })

  it('puts the Brier score in the subtitle and leaves out empty bins', () => {
    const chart = byName(charts, 'reliability')
    expect(texts(chart.svg)).toEqual(expect.arrayContaining(['30 Nov – 6 Dec 2026 · Brier score 0.214 · 12 labelled outcomes', 'n=5', 'n=7']))
    expect(texts(chart.svg)).not.toContain('n=0')
    expect(chart.altText).toContain('60–70 % confidence: said 66 %, right 57 % (7)')
  })

  it('draws an empty period as charts that say so, without throwing', async () => {
    const charts = await renderDigestCharts(empty)
    const said = charts.map((c) => texts(c.svg).find((t) => t.startsWith('No ')))
    expect(said).toEqual(['No incidents in this period', 'No resolved incident with times', 'No incidents on any service', 'No labelled outcomes'])
    for (const chart of charts) expect(inkedShare(chart)).toBeGreaterThan(0.01)
    const none = await renderDigestCharts({ ...empty, incidentsPerDay: [], ttrByWeek: [] })
    expect(none.map((c) => c.png.readUInt32BE(16))).toEqual([1200, 1200, 1200, 1200])
  })

  it('writes only every few labels of a 30-day period, keeping the first and the last', async () => {
    const month = Array.from({ length: 30 }, (_, i) => ({ day: new Date(Date.UTC(2026, 10, 7 + i)).toISOString().slice(0, 10), bySeverity: zeroes }))
    const chart = byName(await renderDigestCharts({ ...week, incidentsPerDay: month }), 'incidents-per-day')
    const dates = texts(chart.svg).filter((t) => /^\d+ (Nov|Dec)$/.test(t))
    expect(dates[0]).toBe('7 Nov')
    expect(dates.at(-1)).toBe('6 Dec')
    expect(dates.length).toBeLessThan(16)
    expect(dates.length).toBeGreaterThan(5)
  })
})

describe('chart labels', () => {
  it('names days and picks the duration unit by the largest value', () => {
    expect([weekday('2026-11-30'), shortDate('2026-11-30'), shortDate('not a day')]).toEqual(['Mon', '30 Nov', 'not a day'])
    expect([durationUnitFor(120).name, durationUnitFor(121).name, durationUnitFor(72 * 60 + 1).name]).toEqual(['minutes', 'hours', 'days'])
    expect([formatMinutes(45), formatMinutes(150), formatMinutes(600), formatMinutes(6480)]).toEqual(['45 min', '2.5 h', '10 h', '4.5 d'])
  })
})
