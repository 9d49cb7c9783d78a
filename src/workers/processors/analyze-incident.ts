import { analyzeIncident } from '../../core/analysis/analyze-incident'
import type { LogTemplateHistory } from '../../core/analysis/logs/log-template-history'
import { calibrationModelSchema, crossValidatedForecasts, fitCalibration, priorLogit, uncalibrated, PLATT_MIN_SAMPLES, type CalibrationModel } from '../../core/confidence/calibration'
import { diagnosisPriorLogit, DIAGNOSIS_FEATURES_RESCORABLE } from '../../core/confidence/compute-confidence'
import { brierScore, expectedCalibrationError } from '../../core/confidence/calibration-metrics'
import { RETRIEVAL_PRIOR } from '../../core/confidence/retrieval-confidence'
import { PermanentJobError } from '../../core/errors'
import { incidentLabel } from '../../core/incidents/incident-label'
import { buildAnalysisFailedMessage, buildAssessmentMessage, buildEvidenceMessage, buildReasoningTrailMessages, buildSimilarIncidentsMessage } from '../../slack/blocks/analysis-blocks'
import {
  completeAnalysis,
  failAnalysis,
  getLatestAnalysis,
  getLatestCalibration,
  listLabelledConfidence,
  recordAnalysisConfidence,
  saveCalibration,
  startAnalysis,
  type CalibrationKind,
  type LabelledConfidence,
} from '../../storage/repositories/analyses'
import { appendAudit } from '../../storage/repositories/audit'
import { getIncident, updateIncident } from '../../storage/repositories/incidents'
import { searchIncidentCandidates } from '../../storage/repositories/similar-incidents-search'
import { listEarlierIncidentErrors, listLogTemplateCounts, listLogTemplates, replaceIncidentErrorSightings, upsertLogTemplateObservations } from '../../storage/repositories/log-templates'
import { createExecution, listExecutionsForIncident } from '../../storage/repositories/playbooks'
import { buildPlaybookOffersMessage } from '../../slack/blocks/playbook-blocks'
import { jobIdFor, type JobData } from '../../core/jobs/job-queue'
import type { WorkerDeps } from '../worker-deps'
import { ensureIncidentRoot, updateIncidentRoot } from './incident-messages'

/**
 * Analyses one incident and posts the result into its thread, then starts the
 * chosen playbook. Safe to re-run: posts are keyed, a completed analysis is kept.
 */
export async function processAnalyzeIncident(deps: WorkerDeps, data: JobData<'incident.analyze'>): Promise<void> {
  const log = deps.logger.child({ incident: data.incidentId, job: 'incident.analyze' })
  let incident = await getIncident(deps.db, data.incidentId)
  if (!incident) throw new PermanentJobError(`incident ${data.incidentId} does not exist`)
  const root = await ensureIncidentRoot(deps, incident)
  incident = { ...incident, slackChannel: root.channel, slackTs: root.ts }
  if (incident.status === 'resolved') return

  const previous = await getLatestAnalysis(deps.db, incident.id)
  if (previous?.status === 'completed') return log.info('analysis already completed')
  const analysis = previous?.status === 'running' ? previous : await startAnalysis(deps.db, incident.id)
  await updateIncidentRoot(deps, incident, { phase: 'analyzing' })

  let result
  try {
    const calibration = { diagnosis: await cachedCalibration(deps, 'diagnosis'), retrieval: await cachedCalibration(deps, 'retrieval') }
    result = await analyzeIncident(
      incident,
      {
        embedder: deps.embedder,
        telemetry: deps.telemetry,
        search: { searchCandidates: (query) => searchIncidentCandidates(deps.db, query) },
        calibration,
        playbooks: deps.playbooks,
        projectId: deps.config.GCP_PROJECT_ID,
        logHistory: logTemplateHistory(deps),
        now: deps.now,
        onSimilarIncidents: async (matches, retrieval) => {
          await deps.slack.postOnce(`analysis:${analysis.id}:similar`, root.channel, buildSimilarIncidentsMessage(matches, retrieval), root.ts)
        },
      },
      { confidenceThreshold: deps.config.CONFIDENCE_THRESHOLD },
    )
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await failAnalysis(deps.db, analysis.id, message)
    await deps.slack.postOnce(`analysis:${analysis.id}:failed`, root.channel, buildAnalysisFailedMessage(message), root.ts)
    await updateIncidentRoot(deps, incident, { phase: 'failed' })
    throw err
  }

  if (result.embedding && result.retrieval) await updateIncident(deps.db, incident.id, { embedding: result.embedding, embeddingModel: result.retrieval.embeddingModel })
  await completeAnalysis(deps.db, analysis.id, {
    hypothesis: result.hypothesis?.statement ?? null,
    confidence: result.confidence,
    playbookId: result.playbook?.playbook.id ?? null,
    summary: result.summary,
    steps: result.steps.map((s) => ({ position: s.position, question: s.question, query: s.query, decision: s.decision, discarded: s.discarded })),
    evidence: result.steps.flatMap((s) =>
      s.evidence.map((e) => ({ stepPosition: s.position, source: e.source, title: e.title, detail: e.detail, link: e.link, anomalous: e.anomalous ? 1 : 0, data: e.data })),
    ),
    factors: result.factors.map((f) => ({ name: f.name, value: f.value, weight: f.weight, explanation: f.explanation })),
  })
  const top = result.matches[0]
  await recordAnalysisConfidence(deps.db, {
    analysisId: analysis.id,
    incidentId: incident.id,
    playbookId: result.playbook?.playbook.id ?? null,
    diagnosisFeatures: result.calibration?.features ?? [],
    diagnosisRaw: result.calibration?.raw ?? result.confidence,
    diagnosis: result.confidence,
    topMatchId: top?.incident.id ?? null,
    topMatchPlaybookId: top?.incident.playbookId ?? null,
    retrievalFeatures: result.retrieval?.confidence.features ?? null,
    retrieval: result.retrieval?.confidence.probability ?? null,
    retrievalMode: result.retrieval?.mode ?? 'hybrid',
  })
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'analysis.completed',
    incidentId: incident.id,
    subjectType: 'analysis',
    subjectId: analysis.id,
    details: { confidence: result.confidence, hypothesis: result.hypothesis?.statement ?? null, playbook: result.playbook?.playbook.id ?? null },
  })

  await deps.slack.postOnce(`analysis:${analysis.id}:evidence`, root.channel, buildEvidenceMessage(result), root.ts)
  await deps.slack.postOnce(`analysis:${analysis.id}:assessment`, root.channel, buildAssessmentMessage(result), root.ts)
  const trail = buildReasoningTrailMessages(result.steps, { title: `Reasoning trail of ${incidentLabel(incident)}` })
  for (const [i, message] of trail.entries()) await deps.slack.postOnce(`analysis:${analysis.id}:trail:${i}`, root.channel, message, root.ts)

  const chosen = result.playbook?.playbook
  // A playbook acts on a service: without one named, it is suggested, not started.
  const target = incident.service ?? result.hypothesis?.target ?? null
  const start = Boolean(chosen && target)
  await updateIncidentRoot(deps, incident, { phase: 'analyzed', summary: result.summary, confidence: result.confidence, playbookTitle: chosen?.title, executionStatus: chosen ? (start ? 'running' : 'suggested: name the service to run it') : undefined })
  const offers = (start ? result.alternatives : [result.playbook, ...result.alternatives].filter((c) => c !== null))
    .map((c) => ({ id: c.playbook.id, title: c.playbook.title, reasons: c.reasons }))
  if (offers.length) {
    await deps.slack.postOnce(`analysis:${analysis.id}:offers`, root.channel, buildPlaybookOffersMessage(offers, incident.number, start ? chosen!.title : null), root.ts)
  }
  if (!chosen || !target) return

  const running = (await listExecutionsForIncident(deps.db, incident.id)).find((e) => e.playbookId === chosen.id)
  const execution =
    running ??
    (await createExecution(deps.db, {
      playbookId: chosen.id,
      playbookVersion: chosen.version,
      definition: chosen,
      incidentId: incident.id,
      inputs: {
        service: incident.service ?? target,
        target: result.hypothesis?.target ?? target,
        incident: { number: incident.number, title: incident.title },
        confidence: result.confidence,
        rationale: `${result.summary} ${result.hypothesis ? `Evidence: ${result.hypothesis.because.join('; ')}.` : ''}${result.matches[0] ? ` Closest past incident INC-${result.matches[0].incident.number} was resolved by: ${result.matches[0].incident.resolution ?? 'unknown'} (${result.matches[0].incident.resolutionOutcome ?? 'unknown'}).` : ''}`.trim(),
      },
      // Started by the bot, not by whoever reported the incident: they may still approve its actions.
      startedBy: 'system',
      slackChannel: root.channel,
    }))
  if (!running) {
    await appendAudit(deps.db, {
      actor: 'system',
      action: 'playbook.started',
      incidentId: incident.id,
      subjectType: 'playbook_execution',
      subjectId: execution.id,
      details: { playbook: chosen.id, version: chosen.version, because: result.playbook?.reasons ?? [], hypothesisTarget: result.hypothesis?.target ?? null },
      slackChannel: root.channel,
      slackTs: root.ts,
    })
  }
  await deps.queue.enqueue('playbook.advance', { executionId: execution.id }, { jobId: jobIdFor('advance', execution.id, 0) })
}

/** The log template statistics and past incidents' errors, in the database, with the configured retention and cap. */
function logTemplateHistory(deps: WorkerDeps): LogTemplateHistory {
  const maxTemplates = deps.config.LOG_TEMPLATES_PER_SERVICE
  return {
    listLogTemplates: (service, range) => listLogTemplates(deps.db, service, range, maxTemplates),
    listLogTemplateCounts: (templateIds, range) => listLogTemplateCounts(deps.db, templateIds, range),
    recordLogTemplates: async (service, observations, observedBuckets) => {
      const retainSince = new Date(deps.now().getTime() - deps.config.LOG_TEMPLATE_RETENTION_DAYS * 86_400_000)
      const { dropped, busy } = await upsertLogTemplateObservations(deps.db, service, observations, observedBuckets, { maxTemplatesPerService: maxTemplates, retainSince })
      if (busy) deps.logger.info({ service }, 'log templates not stored: another analysis of the service was storing at the same moment')
      if (dropped > 0) deps.logger.warn({ service, dropped, maxTemplates }, 'log templates not stored: the service is at its cap')
    },
    listEarlierIncidentErrors: (query) => listEarlierIncidentErrors(deps.db, query),
    replaceIncidentErrors: (incidentId, sightings) => replaceIncidentErrorSightings(deps.db, incidentId, sightings),
  }
}

/** A new calibration is fitted once this many more outcomes are labelled than the last one used. */
const REFIT_EVERY = 5

const logitOf = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p))
  return Math.log(q / (1 - q))
}

/**
 * The diagnosis prior's logit of a labelled row, re-scored from its features with today's factor
 * list (factors added since count as neutral), so old and new rows are on one scale; rows stored
 * before the factor order was fixed keep the probability they were given.
 */
function diagnosisLogit(l: LabelledConfidence): number {
  return l.features && l.features.length >= DIAGNOSIS_FEATURES_RESCORABLE ? diagnosisPriorLogit(l.features) : logitOf(l.raw)
}

/** Outcomes accrue over hours, not milliseconds: the labelled set is re-read at most this often per process. */
const CALIBRATION_TTL_MS = 60_000
const calibrationCache = new WeakMap<object, Map<CalibrationKind, { at: number; model: CalibrationModel }>>()

async function cachedCalibration(deps: WorkerDeps, kind: CalibrationKind): Promise<CalibrationModel> {
  const perDb = calibrationCache.get(deps.db) ?? new Map()
  calibrationCache.set(deps.db, perDb)
  const hit = perDb.get(kind)
  if (hit && deps.now().getTime() - hit.at < CALIBRATION_TTL_MS) return hit.model
  const model = await currentCalibration(deps, kind)
  perDb.set(kind, { at: deps.now().getTime(), model })
  return model
}

/**
 * The newest calibration of this kind, refitted first when enough new outcomes have
 * been labelled since (feedback accrues as incidents are resolved and actions decided).
 */
export async function currentCalibration(deps: Pick<WorkerDeps, 'db' | 'logger'>, kind: CalibrationKind): Promise<CalibrationModel> {
  const latest = await getLatestCalibration(deps.db, kind)
  const labelled = await listLabelledConfidence(deps.db, kind)
  const stored = latest ? calibrationModelSchema.safeParse({ ...(latest.model as object), method: latest.method, samples: latest.samples, positives: latest.positives }) : null
  if (labelled.length < PLATT_MIN_SAMPLES || (stored?.success && labelled.length < stored.data.samples + REFIT_EVERY)) {
    return stored?.success ? stored.data : { ...uncalibrated(), samples: labelled.length }
  }
  const samples = labelled.map((l) => ({ logit: kind === 'diagnosis' ? diagnosisLogit(l) : priorLogit(RETRIEVAL_PRIOR, l.features ?? []), label: l.label }))
  const model = fitCalibration(samples)
  const forecasts = crossValidatedForecasts(samples)
  await saveCalibration(deps.db, {
    kind,
    method: model.method,
    samples: model.samples,
    positives: model.positives,
    model: { platt: model.platt, isotonic: model.isotonic },
    ece: expectedCalibrationError(forecasts),
    brier: brierScore(forecasts),
  })
  deps.logger.info({ kind, method: model.method, samples: model.samples }, 'confidence calibration refitted')
  return model
}
