import { computeConfidence, type ConfidenceFactor } from '../confidence/compute-confidence'
import { incidentEmbeddingText, type Embedder } from '../correlation/embedder'
import { explainMatch, type PastIncident, type PastIncidentMatch } from '../correlation/past-incident-match'
import { rankPlaybooks, type PlaybookCandidate } from '../playbooks/select-playbook'
import type { Playbook } from '../playbooks/schema'
import type { ReasoningStep } from '../reasoning/reasoning-step'
import type { TelemetryPort } from '../telemetry/port'
import { detectHypotheses, type Hypothesis } from './detect-hypotheses'
import type { EvidenceItem } from './evidence'
import { gatherEvidence } from './gather-evidence'

export interface IncidentUnderAnalysis {
  id: string
  title: string
  summary: string
  service: string | null
  resourceType: string | null
  policyName: string | null
  startedAt: Date
}

export interface AnalysisPorts {
  embedder: Embedder
  telemetry: TelemetryPort
  /** Past incidents nearest to `embedding` that started before `before`. */
  findSimilar(embedding: number[], options: { before: Date; excludeId: string; limit: number }): Promise<Array<{ incident: PastIncident; similarity: number }>>
  playbooks: Playbook[]
  projectId: string
  now(): Date
  /** Called as soon as similar incidents are known, so they can be shown before telemetry is in. */
  onSimilarIncidents?(matches: PastIncidentMatch[]): Promise<void>
}

export interface AnalysisResult {
  embedding: number[]
  matches: PastIncidentMatch[]
  steps: ReasoningStep[]
  hypothesis: Hypothesis | null
  playbook: PlaybookCandidate | null
  confidence: number
  factors: ConfidenceFactor[]
  /** False when confidence is under the threshold: the bot says so instead of guessing. */
  confident: boolean
  summary: string
  missingSources: Array<{ source: string; reason: string }>
}

const SIMILAR_LIMIT = 5

/**
 * The analysis of one incident, as a recorded chain of questions: have we seen it
 * before, what does telemetry say, which explanation fits, what to do, how sure.
 */
export async function analyzeIncident(incident: IncidentUnderAnalysis, ports: AnalysisPorts, options: { confidenceThreshold: number }): Promise<AnalysisResult> {
  const steps: ReasoningStep[] = []
  const now = ports.now()

  // 1. History.
  const [embedding] = await ports.embedder.embed([incidentEmbeddingText(incident)])
  const similar = await ports.findSimilar(embedding!, { before: incident.startedAt, excludeId: incident.id, limit: SIMILAR_LIMIT })
  const matches = similar.map((s) => explainMatch(incident, s.incident, s.similarity))
  const historyEvidence: EvidenceItem[] = matches.map((m) => ({
    source: 'history',
    title: `INC-${m.incident.number} ${m.incident.title}`,
    detail: `${m.matchedOn.join(', ')}; resolved by: ${m.incident.resolution ?? 'not recorded'} (${m.incident.resolutionOutcome ?? 'unknown'})`,
    link: null,
    anomalous: false,
    data: { incidentId: m.incident.id, similarity: m.similarity, playbookId: m.incident.playbookId },
  }))
  const top = matches[0]
  steps.push({
    position: 1,
    question: 'Have we seen this before?',
    query: `${ports.embedder.name} embedding of the alert text; cosine nearest neighbours (HNSW) among incidents before ${incident.startedAt.toISOString()}`,
    decision: top
      ? `Closest: INC-${top.incident.number} "${top.incident.title}" (similarity ${top.similarity.toFixed(2)}), root cause: ${top.incident.rootCause ?? 'unknown'}`
      : 'No earlier incidents to compare with',
    discarded: [],
    evidence: historyEvidence,
  })
  await ports.onSimilarIncidents?.(matches)

  // 2. Telemetry.
  const service = incident.service
  const gathered = service
    ? await gatherEvidence(ports.telemetry, { service, startedAt: incident.startedAt, now, projectId: ports.projectId })
    : null
  const metricEvidence = gathered?.items.filter((i) => i.source === 'metrics') ?? []
  const otherEvidence = gathered?.items.filter((i) => i.source !== 'metrics') ?? []
  const anomalies = gathered?.metrics.filter((m) => m.anomalous) ?? []
  steps.push({
    position: 2,
    question: 'What do the metrics show?',
    query: gathered
      ? `${ports.telemetry.name}: ${gathered.services.join(', ')} — latency, errors, saturation over ${gathered.window.start.toISOString()}…${gathered.window.end.toISOString()} vs the hour before`
      : 'no service on the alert, so no metrics to query',
    decision: anomalies.length
      ? anomalies.slice(0, 3).map((a) => `${a.service} ${a.metric} ${a.ratio.toFixed(1)}× baseline`).join('; ')
      : gathered ? 'Nothing outside its normal range' : 'Skipped',
    discarded: [],
    evidence: metricEvidence,
  })
  const missing = gathered?.sourcesMissing ?? []
  steps.push({
    position: 3,
    question: 'What do logs, errors and traces say?',
    query: gathered ? `${ports.telemetry.name}: WARNING+ logs, error groups and traces of ${gathered.services.join(', ')} in the same window` : 'Skipped',
    decision:
      otherEvidence.map((e) => e.title).join('; ') +
      (missing.length ? `${otherEvidence.length ? '. ' : ''}Missing: ${missing.map((m) => `${m.source} (${m.reason})`).join(', ')}` : ''),
    discarded: [],
    evidence: otherEvidence,
  })

  // 3. Hypotheses.
  const hypotheses = service && gathered ? detectHypotheses(service, gathered) : []
  const best = hypotheses[0] && hypotheses[0].support >= 0.3 ? hypotheses[0] : null
  steps.push({
    position: 4,
    question: 'Which explanation fits the evidence?',
    query: `${hypotheses.length} candidate explanations from telemetry signatures and similar incidents' root causes`,
    decision: best ? `${best.statement} — ${best.because.join('; ')}` : 'No explanation is supported by the telemetry',
    discarded: hypotheses
      .filter((h) => h !== best)
      .map((h) => ({ hypothesis: h.statement, reason: h.support === 0 ? 'no sign of it in the telemetry' : `weaker support (${(h.support * 100).toFixed(0)}%): ${h.because.join('; ') || 'little evidence'}` })),
    evidence: [],
  })

  // 4. What to do.
  const ranked = rankPlaybooks(ports.playbooks, {
    text: `${incident.title}\n${incident.summary}`,
    service,
    resourceType: incident.resourceType,
    policyName: incident.policyName,
    hypothesis: best ? { playbookId: best.playbookId, support: best.support } : null,
    history: matches.map((m) => ({ playbookId: m.incident.playbookId, similarity: m.similarity, outcome: m.incident.resolutionOutcome })),
  })
  const chosen = ranked[0] ?? null
  steps.push({
    position: 5,
    question: 'What should we do?',
    query: `ranked ${ports.playbooks.length} playbooks by match rules, the telemetry hypothesis and what worked on similar incidents`,
    decision: chosen ? `Run "${chosen.playbook.title}" (${chosen.reasons.join('; ')})` : 'No playbook applies',
    discarded: ranked.slice(1, 3).map((c) => ({ hypothesis: `playbook "${c.playbook.title}"`, reason: `scored ${c.score.toFixed(1)} vs ${chosen!.score.toFixed(1)}` })),
    evidence: [],
  })

  // 5. Confidence.
  const weightTotal = matches.reduce((s, m) => s + Math.max(0, m.similarity), 0)
  const agreeing = chosen ? matches.filter((m) => m.incident.playbookId === chosen.playbook.id) : []
  const outcomes = { worked: agreeing.filter((m) => m.incident.resolutionOutcome === 'worked').length, failed: agreeing.filter((m) => m.incident.resolutionOutcome === 'failed').length }
  const { score, factors } = computeConfidence({
    topSimilarity: top?.similarity ?? null,
    historyAgreement: chosen && weightTotal > 0 ? agreeing.reduce((s, m) => s + Math.max(0, m.similarity), 0) / weightTotal : null,
    evidenceSupport: best && chosen && best.playbookId === chosen.playbook.id ? best.support : 0,
    sourcesAnswered: gathered?.sourcesAnswered.length ?? 0,
    sourcesAsked: 4,
    pastOutcomes: outcomes,
  })
  const confident = score >= options.confidenceThreshold
  steps.push({
    position: 6,
    question: 'How sure are we?',
    query: 'logistic combination of retrieval strength, agreement with history, telemetry support, source coverage and past success',
    decision: `${(score * 100).toFixed(0)}% — ${confident ? 'above' : 'below'} the ${(options.confidenceThreshold * 100).toFixed(0)}% threshold${confident ? '' : ': no confident diagnosis, treat the suggestions as leads'}`,
    discarded: [],
    evidence: [],
  })

  const summary = confident && best
    ? `Probable cause: ${best.statement}. Suggested playbook: ${chosen?.playbook.title ?? 'none'}.`
    : `No confident diagnosis (${(score * 100).toFixed(0)}%).${chosen ? ` Closest playbook: ${chosen.playbook.title}.` : ''}`
  return { embedding: embedding!, matches, steps, hypothesis: best, playbook: chosen, confidence: score, factors, confident, summary, missingSources: missing }
}
