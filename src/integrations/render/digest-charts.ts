import { DIGEST_CHART_NAMES, type DigestChartData, type DigestChartName, type RenderedChart } from '../../core/digest/digest-chart-data'
import { truncateText } from '../../core/truncate-text'
import { CHART_HEIGHT, CHART_WIDTH, type ChartDrawing } from './charts/chart-frame'
import { drawIncidentsPerDay } from './digest/incidents-per-day-chart'
import { drawReliability } from './digest/reliability-chart'
import { drawTopServices } from './digest/top-services-chart'
import { drawTtrByWeek } from './digest/ttr-by-week-chart'
import { svgToPng } from './svg-to-png'

/** Slack's limit on an image's alt text is generous, but a screen reader reading 2,000 characters is not. */
const MAX_ALT_TEXT = 1000

const DRAWINGS: Record<DigestChartName, (data: DigestChartData) => ChartDrawing> = {
  'incidents-per-day': drawIncidentsPerDay,
  'ttr-by-week': drawTtrByWeek,
  'top-services': drawTopServices,
  reliability: drawReliability,
}

/**
 * The digest's four charts as PNGs of 1200×675 (SVG drawn in DejaVu Sans, rasterised by resvg), in the order of
 * DIGEST_CHART_NAMES. Empty data draws a chart that says it is empty. Service names are escaped: they come from alerts.
 */
export async function renderDigestCharts(data: DigestChartData): Promise<RenderedChart[]> {
  return DIGEST_CHART_NAMES.map((name) => {
    const drawing = DRAWINGS[name](data)
    return {
      name,
      title: drawing.title,
      altText: truncateText(drawing.altText, MAX_ALT_TEXT),
      svg: drawing.svg,
      png: svgToPng(drawing.svg, 1),
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
    }
  })
}
