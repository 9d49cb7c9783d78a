import type { KnownBlock } from '@slack/types'
import type { CapacityReport, Recommendation, UtilisationSummary } from '../../core/capacity/analyze-capacity'
import type { ScaleOffer } from '../../core/capacity/scale-offer'
import { truncateText } from '../../core/truncate-text'
import { context, escapeMrkdwn, section, type SlackMessage } from './block-kit'

const VERDICT: Record<CapacityReport['verdict'], string> = {
  'scale-up': ':arrow_up: needs more capacity',
  'scale-down': ':arrow_down: has capacity to spare',
  'no-change': ':white_check_mark: no change needed',
  'no-data': ':grey_question: not enough history to size',
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`
}

function signed(x: number, unit: string): string {
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toLocaleString('en-US', { maximumFractionDigits: 1 })} ${unit}`
}

function utilisationLine(name: string, u: UtilisationSummary | null): string | null {
  if (!u) return null
  const trend = u.weeklyGrowth === 0 ? 'flat' : `${u.weeklyGrowth > 0 ? '+' : '−'}${Math.abs(Math.round(u.weeklyGrowth * 1000) / 10)} % a week`
  return (
    `*${name}*: peak ${pct(u.peak)} at ${u.peakHourOfWeek} UTC over ${u.days} days; busiest hour of the week ${u.busiestHourOfWeek}; ` +
    `trend ${trend}; forecast next peak ${pct(u.forecastPeak)}`
  )
}

/** The cost of a suggestion in resource units a week. */
export function costLine(r: Recommendation): string {
  return `${signed(r.vcpuHoursPerWeek, 'vCPU-h')}, ${signed(r.gibHoursPerWeek, 'GiB-h')} a week`
}

/** The answer to `/sre capacity <service>`: the verdict, the evidence, and each suggestion with its arithmetic and cost. */
export function buildCapacityMessage(report: CapacityReport): SlackMessage {
  const service = escapeMrkdwn(truncateText(report.service, 100))
  const s = report.settings
  const cloudRun = s.kind === 'cloud-run'
  const bounds = s.autoscaler ? `${s.autoscaler.minReplicas}–${s.autoscaler.maxReplicas}` : null
  const hpa = cloudRun ? `${bounds ?? '?'} instances` : bounds ? `HPA ${bounds}` : 'no HPA'
  const requests = [
    s.cpuRequestCores === null ? null : `${s.cpuRequestCores} vCPU ${cloudRun ? 'per instance' : 'requested'}`,
    s.memoryLimitGiB === null ? null : `${s.memoryLimitGiB} GiB memory limit`,
    s.concurrency ? `concurrency ${s.concurrency}` : null,
  ].filter((x): x is string => x !== null)
  const given =
    s.kind === 'database'
      ? `max_connections ${s.maxConnections ?? 'unknown'}`
      : `${cloudRun ? '' : `${s.replicas} replicas, `}${hpa}${requests.length ? `, ${requests.join(', ')}` : ''} (per ${cloudRun ? 'instance' : 'replica'})`
  const head = `*Capacity of ${service}*: ${VERDICT[report.verdict]}`
  const evidence = [utilisationLine('CPU', report.cpu), utilisationLine('Memory', report.memory)].filter((x): x is string => x !== null)
  if (report.latency) {
    evidence.push(
      `*Latency at load*: p95 ${Math.round(report.latency.busyMs)} ms in the busiest quarter of hours vs ${Math.round(report.latency.quietMs)} ms ` +
        `in the quieter half (×${report.latency.ratio.toFixed(1)})`,
    )
  }
  const suggestions = report.recommendations.map((r) => `• ${escapeMrkdwn(r.summary)} — ${costLine(r)}`)
  const notes = report.notes.map((n) => `• ${escapeMrkdwn(n)}`)
  const blocks: KnownBlock[] = [section(head), context(escapeMrkdwn(`${truncateText(s.source, 200)}: ${given}`))]
  if (evidence.length) blocks.push(section(evidence.join('\n')))
  if (suggestions.length) blocks.push(section(`*Suggested*\n${suggestions.join('\n')}`))
  if (notes.length) blocks.push(section(notes.join('\n')))
  blocks.push(context('Forecast: the last 7 days’ highest hourly mean (the trend is shown, not applied); sizes aim at 70 % utilisation at that peak.'))
  const text = `Capacity of ${service}: ${VERDICT[report.verdict].replace(/^:[a-z_]+: /, '')}`
  return { text, blocks }
}

export const SCALE_ACTION_ID = 'capacity_scale'

/**
 * The Scale offer under a saturation analysis: the suggestion with its arithmetic and a button (value `INC-n`)
 * that starts the change through the approval gate; the numbers are read again from the stored analysis on click.
 */
export function buildScaleOfferMessage(offer: ScaleOffer, incidentNumber: number): SlackMessage {
  const where = escapeMrkdwn(truncateText(`${offer.namespace}/${offer.deployment}`, 200))
  const change = offer.kind === 'hpa-max' ? `raise the HPA max of ${where} ${offer.from} → ${offer.to}` : `scale ${where} ${offer.from} → ${offer.to} replicas`
  const text = `:arrow_up: *Capacity*: ${change}\n${escapeMrkdwn(truncateText(offer.summary, 2500))}`
  return {
    text: `Capacity of ${escapeMrkdwn(truncateText(offer.service, 100))}: ${change}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text },
        accessory: {
          type: 'button',
          action_id: SCALE_ACTION_ID,
          text: { type: 'plain_text', text: 'Scale' },
          style: 'primary',
          value: `INC-${incidentNumber}`,
        },
      },
      context('Scale asks for approval first, with a dry run of the change; whoever clicks cannot approve it.'),
    ],
  }
}
