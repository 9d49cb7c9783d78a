import type { Severity } from '../incidents/types'

/**
 * What the digest's charts show, computed by the digest (core/digest) and drawn by
 * integrations/render/digest-charts.ts. Days and weeks are calendar dates in the digest's time zone.
 */
export interface DigestChartData {
  /** The period the digest covers, and how it is named on the charts ("30 Nov – 6 Dec 2026"). */
  period: { since: Date; until: Date; label: string }
  /** Every day of the period, oldest first, days without incidents included (all counts zero). */
  incidentsPerDay: Array<{ day: string; bySeverity: Record<Severity, number> }>
  /** Time to resolve per week (weeks starting Monday), oldest first; null where no incident of the week has the times. */
  ttrByWeek: Array<{ weekStart: string; medianMinutes: number | null; p90Minutes: number | null; incidents: number }>
  /** Services with the most incidents in the period, most first (at most 10), with the previous period's count. */
  topServices: Array<{ service: string; incidents: number; previous: number }>
  /** Calibration of the bot's confidence on labelled outcomes: bins of stated confidence against how often it was right. */
  reliability: {
    bins: Array<{ from: number; to: number; meanConfidence: number; observedRate: number; count: number }>
    brier: number | null
    labelled: number
  }
}

export const DIGEST_CHART_NAMES = ['incidents-per-day', 'ttr-by-week', 'top-services', 'reliability'] as const
export type DigestChartName = (typeof DIGEST_CHART_NAMES)[number]

/** One chart, ready to upload: the PNG Slack shows, the SVG it was drawn from, and the text for screen readers. */
export interface RenderedChart {
  name: DigestChartName
  title: string
  altText: string
  png: Buffer
  svg: string
  width: number
  height: number
}
