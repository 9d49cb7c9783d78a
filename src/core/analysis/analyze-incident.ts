import type { CapacityReport } from '../capacity/analyze-capacity'
import { capacityEvidence, saturationTarget } from '../capacity/capacity-line'
import { applyCalibration, type CalibrationModel } from '../confidence/calibration'
import { computeConfidence, type ConfidenceFactor } from '../confidence/compute-confidence'
import { assessEvidenceConsistency, assessEvidenceFreshness } from '../confidence/evidence-quality'
import { nameRetrievalFeatures } from '../confidence/retrieval-confidence'
import { correlateIncident, correlationQueryFor, type CorrelationResult, type IncidentSearchPort } from '../correlation/correlate-incident'
import type { Embedder } from '../correlation/embedder'
import { errorMessage } from '../errors'
import type { PastIncidentMatch, RankedMatch } from '../correlation/past-incident-match'
import { summarizeRetrieval, type RetrievalSummary } from '../correlation/summarize-retrieval'
import { rankPlaybooks, type PlaybookCandidate } from '../playbooks/select-playbook'
import type { Playbook } from '../playbooks/schema'
import type { ReasoningStep } from '../reasoning/reasoning-step'
import { MetricSeriesReuse } from '../telemetry/metric-series-reuse'
import type { TelemetryPort } from '../telemetry/port'
import { detectHypotheses, type Hypothesis } from './detect-hypotheses'
import type { EvidenceItem } from './evidence'
import type { MetricFinding } from './evidence/assess-metric'
import { gatherEvidence } from './evidence/gather-evidence'
import type { GatheredEvidence } from './evidence/gathered-evidence'
import { gatherLogHistoryEvidence } from './log-history-evidence'
import type { LogTemplateHistory } from './logs/log-template-history'
import { localiseRootCause, type ProbableCause } from './rca/localise-root-cause'
import { utcTime } from './scan/metric-warnings'

export interface IncidentUnderAnalysis {
  id: string
  title: string
  summary: string
  service: string | null
  resourceType: string | null
  policyName: string | null
  startedAt: Date
  /** Its embedding when stored with it (`embedIncident`): reused instead of embedding the text again. */
  embedding?: { vector: number[]; model: string } | null
}

export interface AnalysisPorts {
  embedder: Embedder
  telemetry: TelemetryPort
  search: IncidentSearchPort
  /** Calibrations fitted on labelled outcomes (the prior until there are enough). */
  calibration: { diagnosis: CalibrationModel; retrieval: CalibrationModel }
  playbooks: Playbook[]
  /** Stored log template statistics and past incidents' errors; without it log patterns are compared with the hour before only. */
  logHistory?: LogTemplateHistory
  now(): Date
  /** Called as soon as similar incidents are known, so they can be shown before telemetry is in. */
  onSimilarIncidents?(matches: RankedMatch[], retrieval: RetrievalSummary): Promise<void>
  /** Sizes a service (`/sre capacity`'s analysis); when saturation is part of the explanation its line joins step 5. */
  capacity?(service: string): Promise<CapacityReport | null>
  /** The proactive warning that preceded the incident, as an evidence item of step 2; null when none did. */
  forewarning?(incident: IncidentUnderAnalysis): Promise<EvidenceItem | null>
}

export interface AnalysisResult {
  /** The incident's embedding, null when the embedder failed. */
  embedding: number[] | null
  matches: PastIncidentMatch[]
  steps: ReasoningStep[]
  hypothesis: Hypothesis | null
  playbook: PlaybookCandidate | null
  /** The component the service graph points at, with its confidence, when one deviates. */
  probableCause: ProbableCause | null
  /** Other applicable playbooks, best first, offered in the thread with a Run button. */
  alternatives: PlaybookCandidate[]
  /** Calibrated probability that the diagnosis (the suggested playbook) is right. */
  confidence: number
  factors: ConfidenceFactor[]
  /** False when confidence is under the threshold: the bot says so instead of guessing. */
  confident: boolean
  summary: string
  missingSources: Array<{ source: string; reason: string }>
  retrieval?: RetrievalSummary
  /** What the confidence was computed from, kept so the calibration can be refitted. */
  calibration?: { method: CalibrationModel['method']; samples: number; raw: number; logit: number; features: number[] }
}

/**
 * The analysis of one incident, as a recorded chain of questions: have we seen it
 * before, what does telemetry say, which explanation fits, what to do, how sure.
 */
export async function analyzeIncident(
  incident: IncidentUnderAnalysis,
  ports: AnalysisPorts,
  options: { confidenceThreshold: number },
): Promise<AnalysisResult> {
  const steps: ReasoningStep[] = []
  const now = ports.now()

  // Step 1: history.
  const correlation = await correlateIncident(correlationQueryFor(incident, incident.embedding ?? null), { embedder: ports.embedder, search: ports.search })
  const matches = correlation.matches
  const retrieval = summarizeRetrieval(correlation, ports.calibration.retrieval, options.confidenceThreshold)
  const retrievalScore = retrieval.confidence
  const historyEvidence: EvidenceItem[] = matches.map((m) => ({
    source: 'history',
    title: `INC-${m.incident.number} ${m.incident.title}`,
    detail: `${m.matchedOn.join(', ')}; resolved by: ${m.incident.resolution ?? 'not recorded'} (${m.incident.resolutionOutcome ?? 'unknown'})`,
    link: null,
    anomalous: false,
    data: {
      incidentId: m.incident.id,
      similarity: m.similarity,
      score: m.score,
      playbookId: m.incident.playbookId,
      outcome: m.incident.resolutionOutcome,
      matchedOn: m.matchedOn,
      signals: m.signals,
    },
  }))
  const top = matches[0]
  steps.push({
    position: 1,
    question: 'Have we seen this before?',
    query: describeRetrieval(incident, correlation),
    decision: top
      ? `${retrieval.confident ? 'Closest' : 'No confident match; closest'}: INC-${top.incident.number} "${top.incident.title}" ` +
        `(${top.matchedOn.join(', ')}; ${(retrievalScore.probability * 100).toFixed(0)}% likely the same problem), ` +
        `root cause: ${top.incident.rootCause ?? 'unknown'}`
      : 'Nothing similar in the history before this incident',
    discarded: matches
      .filter((m) => m.incident.resolutionOutcome === 'failed')
      .map((m) => ({
        hypothesis: `the fix of INC-${m.incident.number} (${m.incident.resolution ?? 'not recorded'})`,
        reason: 'it did not work then, so the match is ranked lower',
      })),
    evidence: historyEvidence,
  })
  await ports.onSimilarIncidents?.(matches, retrieval)

  // Steps 2 and 3: telemetry. One analysis asks each series once: the root-cause windows are cut from the evidence's answers.
  const telemetry = new MetricSeriesReuse(ports.telemetry)
  const service = incident.service
  const gathered = service ? await gatherEvidence(telemetry, { service, startedAt: incident.startedAt, now, policyName: incident.policyName }) : null
  const logHistoryEvidence = service && gathered ? await gatherLogHistoryEvidence(ports.logHistory ?? null, { incident, service, gathered }) : []
  const metricEvidence = gathered?.items.filter((i) => i.source === 'metrics') ?? []
  const otherEvidence = [...(gathered?.items.filter((i) => i.source !== 'metrics') ?? []), ...logHistoryEvidence]
  const anomalies = gathered?.metrics.filter((m) => m.anomalous) ?? []
  const forewarned = (await ports.forewarning?.(incident)) ?? null
  steps.push({
    position: 2,
    question: 'What do the metrics show?',
    query: gathered
      ? `${ports.telemetry.name}: ${gathered.services.join(', ')}${dependencyNote(gathered)} — latency, errors, saturation over ` +
        `${gathered.window.start.toISOString()}…${gathered.window.end.toISOString()} vs the hour before, ` +
        'each series scored by the streaming anomaly detector over the 4 h before'
      : 'no service on the alert, so no metrics to query',
    decision: anomalies.length ? describeAnomalies(anomalies) : gathered ? 'Nothing outside its normal range' : 'Skipped',
    discarded: [],
    evidence: forewarned ? [forewarned, ...metricEvidence] : metricEvidence,
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

  // Step 4 (when there is a service): the probable cause along the service graph.
  const rca = service && gathered ? await localiseRootCause(telemetry, incident, service, gathered, now) : null
  if (rca) steps.push(rca.step)

  // Step 5: hypotheses.
  const hypotheses = service && gathered ? detectHypotheses(service, gathered) : []
  const best = hypotheses[0] && hypotheses[0].support >= 0.3 ? hypotheses[0] : null
  const capacity = await capacityFor(ports, saturationTarget(best, service, `${incident.title}\n${incident.summary}`))
  steps.push({
    position: 5,
    question: 'Which explanation fits the evidence?',
    query: `${hypotheses.length} candidate explanations from telemetry signatures and similar incidents' root causes`,
    decision:
      (best ? `${best.statement} — ${best.because.join('; ')}` : 'No explanation is supported by the telemetry') + (capacity ? `. ${capacity.line}` : ''),
    discarded: hypotheses
      .filter((h) => h !== best)
      .map((h) => ({
        hypothesis: h.statement,
        reason:
          h.support === 0
            ? 'no sign of it in the telemetry'
            : `weaker support (${(h.support * 100).toFixed(0)}%): ${h.because.join('; ') || 'little evidence'}`,
      })),
    evidence: capacity ? [capacity.evidence] : [],
  })

  // Step 6: what to do.
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
    position: 6,
    question: 'What should we do?',
    query: `ranked ${ports.playbooks.length} playbooks by match rules, the telemetry hypothesis and what worked on similar incidents`,
    decision: chosen ? `Run "${chosen.playbook.title}" (${chosen.reasons.join('; ')})` : 'No playbook applies',
    discarded: ranked
      .slice(1, 3)
      .map((c) => ({ hypothesis: `playbook "${c.playbook.title}"`, reason: `scored ${c.score.toFixed(1)} vs ${chosen!.score.toFixed(1)}` })),
    evidence: [],
  })

  // Step 7: confidence.
  const weightTotal = matches.reduce((s, m) => s + Math.max(0, m.similarity), 0)
  const agreeing = chosen ? matches.filter((m) => m.incident.playbookId === chosen.playbook.id) : []
  const outcomes = {
    worked: agreeing.filter((m) => m.incident.resolutionOutcome === 'worked').length,
    failed: agreeing.filter((m) => m.incident.resolutionOutcome === 'failed').length,
  }
  const features = retrievalScore.features ? nameRetrievalFeatures(retrievalScore.features) : null
  const freshness = assessEvidenceFreshness(gathered, incident)
  const consistency = assessEvidenceConsistency(gathered, { service, hypothesisTarget: best?.target ?? null, probableCause: rca?.cause?.node ?? null })
  const {
    score: raw,
    logit,
    factors,
    features: diagnosisFeatures,
  } = computeConfidence({
    topSimilarity: top?.similarity ?? null,
    historyAgreement: chosen && weightTotal > 0 ? agreeing.reduce((s, m) => s + Math.max(0, m.similarity), 0) / weightTotal : null,
    evidenceSupport: best && chosen && best.playbookId === chosen.playbook.id ? best.support : 0,
    sourcesAnswered: gathered?.sourcesAnswered.length ?? 0,
    sourcesAsked: 4,
    pastOutcomes: outcomes,
    retrievalMargin: features ? Math.max(features.keywordMargin, features.embeddingMargin) : null,
    signalAgreement: features?.agreement ?? null,
    evidenceFreshness: freshness,
    evidenceConsistency: consistency,
  })
  const diagnosisCalibration = ports.calibration.diagnosis
  const score = applyCalibration(diagnosisCalibration, logit)
  const confident = score >= options.confidenceThreshold
  steps.push({
    position: 7,
    question: 'How sure are we?',
    query:
      'logistic combination of retrieval strength and margin, agreement of the retrievers and with history, ' +
      'telemetry support, source coverage, freshness and consistency, and past success; ' +
      (diagnosisCalibration.method === 'prior'
        ? `calibration: the prior weights (only ${diagnosisCalibration.samples} labelled outcome(s) so far)`
        : `calibration: ${diagnosisCalibration.method === 'platt' ? 'Platt scaling' : 'isotonic regression'} ` +
          `fitted on ${diagnosisCalibration.samples} labelled outcomes`),
    decision:
      `${(score * 100).toFixed(0)}% — ${confident ? 'above' : 'below'} the ${(options.confidenceThreshold * 100).toFixed(0)}% threshold` +
      `${confident ? '' : ': no confident diagnosis, treat the suggestions as leads'}` +
      (gathered ? `. Evidence quality: ${freshness.explanation}; ${consistency.explanation}` : ''),
    discarded: [],
    evidence: [],
  })

  const graph = rca?.cause && rca.cause.node !== service ? ` The service graph points at ${rca.cause.node} (${Math.round(rca.cause.confidence * 100)}%).` : ''
  const summary =
    confident && best
      ? `Probable cause: ${best.statement}.${graph} Suggested playbook: ${chosen?.playbook.title ?? 'none'}.`
      : `No confident diagnosis (${(score * 100).toFixed(0)}%).${graph}${chosen ? ` Closest playbook: ${chosen.playbook.title}.` : ''}`
  return {
    embedding: correlation.embedding,
    matches,
    steps,
    hypothesis: best,
    playbook: chosen,
    alternatives: ranked.slice(1, 4),
    probableCause: rca?.cause ?? null,
    confidence: score,
    factors,
    confident,
    summary,
    missingSources: missing,
    retrieval,
    calibration: { method: diagnosisCalibration.method, samples: diagnosisCalibration.samples, raw, logit, features: diagnosisFeatures },
  }
}

/** Said in the trail when the service graph could not be read, so a reader knows the dependencies went unexamined. */
function dependencyNote(gathered: GatheredEvidence): string {
  return gathered.dependencyLookupFailure === null ? '' : ` (dependency lookup failed: ${gathered.dependencyLookupFailure}; its dependencies were not examined)`
}

/** The first three anomalies, those the detector dated first in order of onset (the earliest is the likeliest start). */
function describeAnomalies(anomalies: MetricFinding[]): string {
  const dated = anomalies.filter((a) => a.anomalousSince).sort((a, b) => a.anomalousSince!.getTime() - b.anomalousSince!.getTime())
  return [...dated, ...anomalies.filter((a) => !a.anomalousSince)]
    .slice(0, 3)
    .map((a) =>
      a.anomalousSince
        ? `${a.service} ${a.metric} anomalous since ${utcTime(a.anomalousSince)}, score ${a.anomalyScore.toFixed(2)} (${a.ratio.toFixed(1)}× baseline)`
        : `${a.service} ${a.metric} ${a.ratio.toFixed(1)}× baseline`,
    )
    .join('; ')
}

function describeRetrieval(incident: IncidentUnderAnalysis, c: CorrelationResult): string {
  const parts = [
    c.mode === 'hybrid' ? `${c.embeddingModel} embedding, cosine nearest neighbours (HNSW)` : 'no embedding',
    c.keywords.length
      ? `BM25 on keywords ${c.keywords.slice(0, 8).join(', ')}${c.keywords.length > 8 ? ` and ${c.keywords.length - 8} more` : ''}`
      : 'no keywords found in the history',
    `structured: ${
      [
        incident.service && `service ${incident.service}`,
        incident.policyName && `policy "${incident.policyName}"`,
        c.errorSignature && `error ${c.errorSignature}`,
      ]
        .filter(Boolean)
        .join(', ') || 'none'
    }`,
  ]
  return (
    `Hybrid search of incidents before ${incident.startedAt.toISOString()}: ${parts.join('; ')}; ` +
    `fused by reciprocal rank fusion, re-ranked by past outcome and recency${c.notes.length ? `. Note: ${c.notes.join('; ')}` : ''}`
  )
}

/** The capacity line of a saturated service; a failure to read it is said in the line, never fails the analysis. */
async function capacityFor(ports: AnalysisPorts, service: string | null): Promise<{ line: string; evidence: EvidenceItem } | null> {
  if (!service || !ports.capacity) return null
  try {
    const report = await ports.capacity(service)
    return report ? capacityEvidence(report) : null
  } catch (err) {
    const line = `capacity of ${service} not read: ${errorMessage(err)}`
    return { line, evidence: { source: 'metrics', title: `Capacity of ${service}`, detail: line, link: null, anomalous: false, data: {} } }
  }
}
