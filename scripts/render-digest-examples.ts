/**
 * Draws the digest's charts from a realistic week (four services, six weeks of time to resolve, 30 labelled
 * outcomes) and from an empty one, into docs/digest-charts/, so a reader sees them without running anything.
 * Run: node --import tsx scripts/render-digest-examples.ts [--out docs/digest-charts]
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { DigestChartData } from '../src/core/digest/digest-chart-data'
import { renderDigestCharts } from '../src/integrations/render/digest-charts'

const { values: flags } = parseArgs({ options: { out: { type: 'string', default: 'docs/digest-charts' } } })

const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']
const perDay: Array<[number, number, number, number]> = [
  [0, 1, 2, 1],
  [1, 2, 3, 0],
  [0, 0, 1, 2],
  [2, 3, 4, 1],
  [0, 1, 1, 0],
  [0, 0, 0, 0],
  [0, 1, 0, 1],
]

const week: DigestChartData = {
  period: { since: new Date('2026-11-30T00:00:00Z'), until: new Date('2026-12-07T00:00:00Z'), label: '30 Nov – 6 Dec 2026' },
  incidentsPerDay: days.map((day, i) => {
    const [critical, high, warning, info] = perDay[i]!
    return { day, bySeverity: { critical, high, warning, info } }
  }),
  ttrByWeek: [
    { weekStart: '2026-10-26', medianMinutes: 48, p90Minutes: 185, incidents: 19 },
    { weekStart: '2026-11-02', medianMinutes: 62, p90Minutes: 240, incidents: 23 },
    { weekStart: '2026-11-09', medianMinutes: null, p90Minutes: null, incidents: 2 },
    { weekStart: '2026-11-16', medianMinutes: 41, p90Minutes: 150, incidents: 17 },
    { weekStart: '2026-11-23', medianMinutes: 35, p90Minutes: 128, incidents: 21 },
    { weekStart: '2026-11-30', medianMinutes: 27, p90Minutes: 96, incidents: 27 },
  ],
  topServices: [
    { service: 'checkout-api', incidents: 10, previous: 6 },
    { service: 'payment-api', incidents: 8, previous: 9 },
    { service: 'inventory-db', incidents: 5, previous: 2 },
    { service: 'search-svc', incidents: 4, previous: 0 },
  ],
  reliability: {
    bins: [
      { from: 0.3, to: 0.4, meanConfidence: 0.36, observedRate: 0.5, count: 2 },
      { from: 0.4, to: 0.5, meanConfidence: 0.45, observedRate: 0.33, count: 3 },
      { from: 0.5, to: 0.6, meanConfidence: 0.55, observedRate: 0.4, count: 5 },
      { from: 0.6, to: 0.7, meanConfidence: 0.66, observedRate: 0.57, count: 7 },
      { from: 0.7, to: 0.8, meanConfidence: 0.74, observedRate: 0.75, count: 8 },
      { from: 0.8, to: 0.9, meanConfidence: 0.84, observedRate: 0.8, count: 5 },
    ],
    brier: 0.214,
    labelled: 30,
  },
}

const empty: DigestChartData = {
  period: week.period,
  incidentsPerDay: days.map((day) => ({ day, bySeverity: { critical: 0, high: 0, warning: 0, info: 0 } })),
  ttrByWeek: week.ttrByWeek.map((w) => ({ ...w, medianMinutes: null, p90Minutes: null, incidents: 0 })),
  topServices: [],
  reliability: { bins: [], brier: null, labelled: 0 },
}

await mkdir(flags.out, { recursive: true })
for (const [prefix, data] of [
  ['', week],
  ['empty-', empty],
] as const) {
  for (const chart of await renderDigestCharts(data)) {
    const file = join(flags.out, `${prefix}${chart.name}.png`)
    await writeFile(file, chart.png)
    process.stdout.write(`${file}  ${chart.width}×${chart.height}  ${chart.png.length} bytes\n  ${chart.altText}\n`)
  }
}
