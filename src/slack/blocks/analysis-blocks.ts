import type { KnownBlock } from '@slack/types'
import type { AnalysisResult } from '../../core/analysis/analyze-incident'
import type { RetrievalSummary } from '../../core/correlation/summarize-retrieval'
import type { EvidenceItem } from '../../core/analysis/evidence'
import type { PastIncidentMatch } from '../../core/correlation/past-incident-match'
import type { ReasoningStep } from '../../core/reasoning/reasoning-step'
import { confidenceBar, context, divider, escapeMrkdwn, header, link, percent, section, type SlackMessage } from './block-kit'

/** The emoji each evidence source is shown with. */
export const SOURCE_ICON: Record<EvidenceItem['source'], string> = {
  history: ':books:',
  metrics: ':chart_with_upwards_trend:',
  logs: ':scroll:',
  errors: ':boom:',
  traces: ':mag:',
}
/** How a past incident's recorded outcome reads. */
export const OUTCOME: Record<string, string> = {
  worked: ':white_check_mark: worked',
  partly: ':large_yellow_circle: partly worked',
  failed: ':x: did not work',
  unknown: ':grey_question: outcome unknown',
}

/** Slack's per-section text limit, and how much of a message the trail fills before starting the next. */
const SECTION_CHARS = 3000
const TRAIL_BLOCKS_PER_MESSAGE = 45
const TRAIL_CHARS_PER_MESSAGE = 30_000

/** How the search went, as far as the message says it; a stored analysis keeps only the probability. */
type RetrievalShown = Pick<RetrievalSummary, 'notes' | 'confident'> & { confidence: Pick<RetrievalSummary['confidence'], 'probability'> }

export function buildSimilarIncidentsMessage(matches: PastIncidentMatch[], retrieval?: RetrievalShown): SlackMessage {
  const notes = retrieval?.notes.length ? [context(...retrieval.notes.map((n) => `:warning: ${escapeMrkdwn(n)}`))] : []
  if (matches.length === 0) {
    return {
      text: 'Similar incidents: none found',
      blocks: [section('*Similar past incidents*\nNothing similar in the history before this incident, so history adds nothing to the confidence.'), ...notes],
    }
  }
  const unsure = retrieval && !retrieval.confident
  const blocks: KnownBlock[] = [
    section(
      unsure
        ? `*Similar past incidents* — _no confident match_: the best is ${percent(retrieval.confidence.probability)} ` +
            'likely to be the same problem. Treat these as leads.'
        : `*Similar past incidents*${retrieval ? ` — the best is ${percent(retrieval.confidence.probability)} likely to be the same problem` : ''}`,
    ),
    ...notes,
  ]
  for (const m of matches.slice(0, 5)) {
    const i = m.incident
    blocks.push(
      section(
        `*INC-${i.number}* ${escapeMrkdwn(i.title)} — similarity *${m.similarity.toFixed(2)}*\n` +
          `Root cause: ${escapeMrkdwn(i.rootCause ?? 'not recorded')}\n` +
          `Resolved by: ${escapeMrkdwn(i.resolution ?? 'not recorded')} (${OUTCOME[i.resolutionOutcome ?? 'unknown']})`,
      ),
      context(`Matched on: ${escapeMrkdwn(m.matchedOn.join(', '))} · ${i.startedAt.toISOString().slice(0, 10)}`),
    )
  }
  const labels = matches.map((m) => `INC-${m.incident.number}`).join(', ')
  return { text: `Similar incidents: ${labels}${unsure ? ' (no confident match)' : ''}`, blocks }
}

export function buildEvidenceMessage(result: AnalysisResult): SlackMessage {
  const items = result.steps.flatMap((s) => s.evidence).filter((e) => e.source !== 'history')
  const blocks: KnownBlock[] = [section('*Evidence examined*')]
  for (const e of items.slice(0, 12)) {
    blocks.push(section(`${SOURCE_ICON[e.source]} ${e.anomalous ? '*' : ''}${link(e.link, e.title)}${e.anomalous ? '*' : ''}\n${escapeMrkdwn(e.detail)}`))
  }
  if (items.length > 12) blocks.push(context(`${items.length - 12} more evidence items are in the reasoning trail.`))
  if (items.length === 0) blocks.push(section('No telemetry could be examined for this incident.'))
  if (result.missingSources.length) {
    blocks.push(context(`:warning: Missing sources: ${result.missingSources.map((m) => `${m.source} (${escapeMrkdwn(m.reason)})`).join(', ')}`))
  }
  return { text: `Evidence: ${items.length} items`, blocks }
}

export function buildAssessmentMessage(result: AnalysisResult): SlackMessage {
  const blocks: KnownBlock[] = [
    section(`*Assessment*\n${escapeMrkdwn(result.summary)}`),
    section(
      `*Confidence* ${confidenceBar(result.confidence)} *${percent(result.confidence)}*${result.confident ? '' : ' — _no confident match_'}\n` +
        result.factors.map((f) => `• ${f.name.replace(/_/g, ' ')}: ${percent(f.value)} (weight ${f.weight}) — ${escapeMrkdwn(f.explanation)}`).join('\n'),
    ),
  ]
  if (result.calibration) {
    blocks.push(
      context(
        result.calibration.method === 'prior'
          ? `Confidence from the prior weights: only ${result.calibration.samples} labelled outcome(s) so far, calibration starts at 10.`
          : `Calibrated by ${result.calibration.method === 'platt' ? 'Platt scaling' : 'isotonic regression'} ` +
              `on ${result.calibration.samples} labelled outcomes.`,
      ),
    )
  }
  blocks.push(divider, context(`The reasoning trail (${result.steps.length} steps) follows in this thread; \`/sre trail\` shows it again.`))
  return { text: `Assessment: ${escapeMrkdwn(result.summary)} (confidence ${percent(result.confidence)})`, blocks }
}

export function buildAnalysisFailedMessage(error: string): SlackMessage {
  const text = `:warning: The analysis failed: ${escapeMrkdwn(error)}. It will be retried; the evidence so far is in the trail.`
  return { text, blocks: [header('Analysis failed'), section(text)] }
}

/**
 * The whole reasoning trail as as many messages as Slack's limits need: long text is
 * split across sections and messages, never cut. Each part says which part it is.
 */
export function buildReasoningTrailMessages(steps: ReasoningStep[], options: { title: string; footer?: string[] }): SlackMessage[] {
  const blocks: KnownBlock[] = []
  for (const step of steps) {
    const lines = [`*${step.position}. ${escapeMrkdwn(step.question)}*`, `_Query:_ ${escapeMrkdwn(step.query)}`, `*Decision:* ${escapeMrkdwn(step.decision)}`]
    for (const d of step.discarded) lines.push(`~${escapeMrkdwn(d.hypothesis)}~ — ruled out: ${escapeMrkdwn(d.reason)}`)
    blocks.push(...sections(lines.join('\n')))
    for (const e of step.evidence) {
      blocks.push(...sections(`${SOURCE_ICON[e.source]} ${e.anomalous ? '*' : ''}${link(e.link, e.title)}${e.anomalous ? '*' : ''}\n${escapeMrkdwn(e.detail)}`))
    }
    blocks.push(divider)
  }
  if (blocks.length > 0) blocks.pop()
  for (const line of options.footer ?? []) blocks.push(...sections(line))

  const parts: KnownBlock[][] = []
  let current: KnownBlock[] = []
  let chars = 0
  for (const block of blocks) {
    const size = JSON.stringify(block).length
    if (current.length > 0 && (current.length >= TRAIL_BLOCKS_PER_MESSAGE || chars + size > TRAIL_CHARS_PER_MESSAGE)) {
      parts.push(current)
      current = []
      chars = 0
    }
    if (current.length === 0 && block.type === 'divider') continue
    current.push(block)
    chars += size
  }
  if (current.length > 0) parts.push(current)
  if (parts.length === 0) parts.push([section('No reasoning steps were recorded.')])
  return parts.map((part, i) => ({
    text: `${escapeMrkdwn(options.title)} (part ${i + 1} of ${parts.length})`,
    blocks: [context(`*${escapeMrkdwn(options.title)}* — part ${i + 1} of ${parts.length}`), ...part],
  }))
}

/** Text as consecutive sections of at most 3000 characters, split at line ends where possible. */
function sections(text: string): KnownBlock[] {
  const out: KnownBlock[] = []
  let rest = text
  while (rest.length > SECTION_CHARS) {
    const newline = rest.lastIndexOf('\n', SECTION_CHARS)
    // Never split an escape sequence (&amp;) or a link (<url|label>) in half.
    let cut = newline > SECTION_CHARS / 2 ? newline : safeCut(rest, SECTION_CHARS)
    if (cut <= 0) cut = SECTION_CHARS
    out.push(section(rest.slice(0, cut)))
    rest = rest.slice(cut).replace(/^\n/, '')
  }
  if (rest) out.push(section(rest))
  return out
}

function safeCut(text: string, limit: number): number {
  let cut = limit
  const amp = text.lastIndexOf('&', cut)
  if (amp > cut - 6 && text.indexOf(';', amp) >= cut) cut = amp
  const open = text.lastIndexOf('<', cut)
  if (open > text.lastIndexOf('>', cut - 1) && open > limit - 600) cut = open
  return cut
}
