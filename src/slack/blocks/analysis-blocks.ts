import type { KnownBlock } from '@slack/types'
import type { AnalysisResult } from '../../core/analysis/analyze-incident'
import type { EvidenceItem } from '../../core/analysis/evidence'
import type { PastIncidentMatch } from '../../core/correlation/past-incident-match'
import { confidenceBar, context, divider, escapeMrkdwn, header, link, percent, section, type SlackMessage } from './block-kit'

const SOURCE_ICON: Record<EvidenceItem['source'], string> = { history: ':books:', metrics: ':chart_with_upwards_trend:', logs: ':scroll:', errors: ':boom:', traces: ':mag:' }
const OUTCOME: Record<string, string> = { worked: ':white_check_mark: worked', failed: ':x: did not work', unknown: ':grey_question: outcome unknown' }

export function buildSimilarIncidentsMessage(matches: PastIncidentMatch[]): SlackMessage {
  if (matches.length === 0) {
    return { text: 'Similar incidents: none found', blocks: [section('*Similar past incidents*\nNone found in the history before this incident.')] }
  }
  const blocks: KnownBlock[] = [section('*Similar past incidents*')]
  for (const m of matches.slice(0, 5)) {
    const i = m.incident
    blocks.push(
      section(
        `*INC-${i.number}* ${escapeMrkdwn(i.title)} — similarity *${m.similarity.toFixed(2)}*\n` +
          `Root cause: ${escapeMrkdwn(i.rootCause ?? 'not recorded')}\n` +
          `Resolved by: ${escapeMrkdwn(i.resolution ?? 'not recorded')} (${OUTCOME[i.resolutionOutcome ?? 'unknown']})`,
      ),
      context(`Matched on: ${m.matchedOn.join(', ')} · ${i.startedAt.toISOString().slice(0, 10)}`),
    )
  }
  return { text: `Similar incidents: ${matches.map((m) => `INC-${m.incident.number}`).join(', ')}`, blocks }
}

export function buildEvidenceMessage(result: AnalysisResult): SlackMessage {
  const items = result.steps.flatMap((s) => s.evidence).filter((e) => e.source !== 'history')
  const blocks: KnownBlock[] = [section('*Evidence examined*')]
  for (const e of items.slice(0, 12)) {
    blocks.push(section(`${SOURCE_ICON[e.source]} ${e.anomalous ? '*' : ''}${link(e.link, e.title)}${e.anomalous ? '*' : ''}\n${escapeMrkdwn(e.detail)}`))
  }
  if (items.length === 0) blocks.push(section('No telemetry could be examined for this incident.'))
  if (result.missingSources.length) {
    blocks.push(context(`:warning: Missing sources: ${result.missingSources.map((m) => `${m.source} (${escapeMrkdwn(m.reason)})`).join(', ')}`))
  }
  return { text: `Evidence: ${items.length} items`, blocks }
}

export function buildAssessmentMessage(result: AnalysisResult): SlackMessage {
  const blocks: KnownBlock[] = [
    section(`*Assessment*\n${escapeMrkdwn(result.summary)}`),
    section(`*Confidence* ${confidenceBar(result.confidence)} *${percent(result.confidence)}*${result.confident ? '' : ' — _no confident match_'}\n` +
      result.factors.map((f) => `• ${f.name.replace(/_/g, ' ')}: ${percent(f.value)} (weight ${f.weight}) — ${escapeMrkdwn(f.explanation)}`).join('\n')),
    divider,
    section(
      '*Reasoning trail*\n' +
        result.steps
          .map((s) => `${s.position}. *${escapeMrkdwn(s.question)}* ${escapeMrkdwn(s.decision)}` + s.discarded.map((d) => `\n    ~${escapeMrkdwn(d.hypothesis)}~ — ${escapeMrkdwn(d.reason)}`).join(''))
          .join('\n'),
    ),
  ]
  return { text: `Assessment: ${result.summary} (confidence ${percent(result.confidence)})`, blocks }
}

export function buildAnalysisFailedMessage(error: string): SlackMessage {
  const text = `:warning: The analysis failed: ${error}. It will be retried; the evidence so far is in the trail.`
  return { text, blocks: [header('Analysis failed'), section(escapeMrkdwn(text))] }
}
