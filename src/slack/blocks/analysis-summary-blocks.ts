import { truncateText } from '../../core/truncate-text'
import type { KnownBlock } from '@slack/types'
import type { AnalysisResult } from '../../core/analysis/analyze-incident'
import type { EvidenceItem } from '../../core/analysis/evidence'
import type { PastIncidentMatch } from '../../core/correlation/past-incident-match'
import type { ReasoningStep } from '../../core/reasoning/reasoning-step'
import { buildReasoningTrailMessages, OUTCOME, SOURCE_ICON } from './analysis-blocks'
import { confidenceBar, context, escapeMrkdwn, link, percent, section, type SlackMessage } from './block-kit'

/** The sections the compact analysis message leaves out, each posted in the thread when its button is clicked. */
export const ANALYSIS_SECTIONS = ['evidence', 'trail', 'similar'] as const
export type AnalysisSection = (typeof ANALYSIS_SECTIONS)[number]
/** One action id per section (ids must be unique within a message), all starting with this prefix. */
export const ANALYSIS_SECTION_ACTION_ID = 'analysis_section'

const STRONGEST_SHOWN = 3
/** Past this a line of the compact message is cut: the full text is one click away. */
const LINE_CHARS = 280

/**
 * The one analysis message of a compact thread: the assessment, the confidence with its factors folded
 * into one line, the closest past incident and what fixed it, the strongest evidence, and buttons
 * (value: the analysis id) that post the evidence, the reasoning trail and the similar incidents in full.
 */
export function buildAnalysisSummaryMessage(analysisId: string, result: AnalysisResult): SlackMessage {
  const telemetry = result.steps.flatMap((s) => s.evidence).filter((e) => e.source !== 'history')
  const blocks: KnownBlock[] = [
    section(`*Assessment*\n${escapeMrkdwn(result.summary)}`),
    section(
      `*Confidence* ${confidenceBar(result.confidence)} *${percent(result.confidence)}*${result.confident ? '' : ' — _no confident match_'}` +
        (result.factors.length ? `\n${foldedFactors(result.factors)}` : ''),
    ),
    section(closestPastIncident(result.matches[0], result.retrieval?.confidence.probability)),
  ]
  const strongest = strongestEvidence(telemetry, STRONGEST_SHOWN)
  blocks.push(
    section(
      strongest.length
        ? `*Strongest evidence* (${strongest.length} of ${telemetry.length})\n${strongest.map(evidenceLine).join('\n')}`
        : '*Evidence*\nNo telemetry could be examined for this incident.',
    ),
  )
  if (result.missingSources.length) {
    blocks.push(context(`:warning: Missing sources: ${result.missingSources.map((m) => `${m.source} (${escapeMrkdwn(m.reason)})`).join(', ')}`))
  }
  blocks.push({
    type: 'actions',
    block_id: `analysis:${analysisId}`,
    elements: [
      sectionButton('evidence', `Evidence (${telemetry.length})`, analysisId),
      sectionButton('trail', `Reasoning trail (${result.steps.length} steps)`, analysisId),
      sectionButton('similar', `Similar incidents (${result.matches.length})`, analysisId),
    ],
  })
  return { text: `Assessment: ${escapeMrkdwn(result.summary)} (confidence ${percent(result.confidence)})`, blocks }
}

function sectionButton(which: AnalysisSection, label: string, analysisId: string) {
  return { type: 'button' as const, action_id: `${ANALYSIS_SECTION_ACTION_ID}:${which}`, text: { type: 'plain_text' as const, text: label }, value: analysisId }
}

/** The factors as one line: what carried the score and what held it back; the trail lists them all. */
function foldedFactors(factors: AnalysisResult['factors']): string {
  const name = (f: AnalysisResult['factors'][number]) => `${f.name.replace(/_/g, ' ')} ${percent(f.value)}`
  const carried = factors
    .filter((f) => f.value >= 0.5)
    .sort((a, b) => b.value * b.weight - a.value * a.weight)
    .slice(0, 2)
  const held = factors
    .filter((f) => f.value < 0.5)
    .sort((a, b) => a.value - b.value)
    .slice(0, 2)
  const parts = [carried.length ? `carried by ${carried.map(name).join(', ')}` : '', held.length ? `held back by ${held.map(name).join(', ')}` : '']
  const said = parts.filter(Boolean).join('; ')
  return `_${said.charAt(0).toUpperCase()}${said.slice(1)}. The reasoning trail lists every factor._`
}

function closestPastIncident(best: PastIncidentMatch | undefined, sameProblem: number | undefined): string {
  if (!best) return ':books: *Closest past incident*: nothing similar in the history before this incident.'
  const i = best.incident
  const likely = sameProblem === undefined ? `similarity ${best.similarity.toFixed(2)}` : `${percent(sameProblem)} likely the same problem`
  return (
    `:books: *Closest past incident*: *INC-${i.number}* ${escapeMrkdwn(cut(i.title))} — ${likely}\n` +
    `Fixed by: ${escapeMrkdwn(cut(i.resolution ?? 'not recorded'))} (${OUTCOME[i.resolutionOutcome ?? 'unknown']})`
  )
}

/**
 * The items that say most: anomalous ones first, one per source before a second of any (metrics
 * alone would fill the list), then the rest in the order the analysis found them.
 */
export function strongestEvidence(items: EvidenceItem[], count: number): EvidenceItem[] {
  const ranked = [...items.filter((e) => e.anomalous), ...items.filter((e) => !e.anomalous)]
  const picked: EvidenceItem[] = []
  const sources = new Set<string>()
  for (const e of ranked) {
    if (picked.length < count && e.anomalous && !sources.has(e.source)) {
      picked.push(e)
      sources.add(e.source)
    }
  }
  for (const e of ranked) if (picked.length < count && !picked.includes(e)) picked.push(e)
  return picked
}

function evidenceLine(e: EvidenceItem): string {
  const [first = ''] = e.detail.split('\n')
  return `${SOURCE_ICON[e.source]} ${link(e.link, cut(e.title))} — ${escapeMrkdwn(cut(first))}`
}

/** Cut before escaping, so an escape sequence is never split. */
function cut(text: string): string {
  return truncateText(text, LINE_CHARS)
}

/** How much of a message the evidence fills before starting the next (Slack allows 50 blocks). */
const EVIDENCE_BLOCKS_PER_MESSAGE = 40
const EVIDENCE_CHARS_PER_MESSAGE = 30_000

/** Every telemetry item the analysis examined, each with its detail, in as many messages as Slack's limits need. */
export function buildEvidenceSectionMessages(steps: ReasoningStep[]): SlackMessage[] {
  const items = steps.flatMap((s) => s.evidence).filter((e) => e.source !== 'history')
  if (items.length === 0) return [{ text: 'Evidence: 0 items', blocks: [section('*Evidence examined*\nNo telemetry could be examined for this incident.')] }]
  const parts: KnownBlock[][] = [[]]
  let chars = 0
  for (const e of items) {
    const block = section(`${SOURCE_ICON[e.source]} ${e.anomalous ? '*' : ''}${link(e.link, e.title)}${e.anomalous ? '*' : ''}\n${escapeMrkdwn(e.detail)}`)
    const size = JSON.stringify(block).length
    const current = parts.at(-1)!
    if (current.length > 0 && (current.length >= EVIDENCE_BLOCKS_PER_MESSAGE || chars + size > EVIDENCE_CHARS_PER_MESSAGE)) {
      parts.push([block])
      chars = size
    } else {
      current.push(block)
      chars += size
    }
  }
  return parts.map((blocks, i) => {
    const part = parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : ''
    return { text: `Evidence: ${items.length} items${part}`, blocks: [section(`*Evidence examined*${part}`), ...blocks] }
  })
}

/** A stored analysis as the trail shows it: its steps, and the outcome with every confidence factor. */
export interface StoredTrail {
  steps: ReasoningStep[]
  outcome: { status: string; summary: string | null; error: string | null; confidence: number | null }
  factors: Array<{ name: string; value: number; weight: number; explanation: string }>
}

/** The reasoning trail of a stored analysis with its outcome and factors at the end, in as many parts as Slack's limits need. */
export function buildStoredTrailMessages(trail: StoredTrail, title: string): SlackMessage[] {
  const { outcome, factors } = trail
  const footer = [
    `*Outcome* (${outcome.status}): ${escapeMrkdwn(outcome.summary ?? outcome.error ?? 'no summary')}` +
      (outcome.confidence === null ? '' : ` — confidence ${percent(outcome.confidence)}`),
    ...(factors.length
      ? [factors.map((f) => `• ${f.name.replace(/_/g, ' ')}: ${percent(f.value)} (weight ${f.weight}) — ${escapeMrkdwn(f.explanation)}`).join('\n')]
      : []),
  ]
  return buildReasoningTrailMessages(trail.steps, { title, footer })
}
