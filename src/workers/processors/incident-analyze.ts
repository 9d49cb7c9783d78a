import { analyzeIncident } from '../../core/analysis/analyze-incident'
import { assessCapacity } from '../../core/capacity/assess-capacity'
import { scaleOfferOf } from '../../core/capacity/scale-offer'
import type { LogTemplateHistory } from '../../core/analysis/logs/log-template-history'
import { DAY_MS } from '../../core/durations'
import { errorMessage, PermanentJobError } from '../../core/errors'
import { incidentLabel } from '../../core/incidents/incident-label'
import { analysisConfidenceWrite, completeAnalysis, failAnalysis, getLatestAnalysis, startAnalysis } from '../../storage/repositories/analyses'
import { appendAudit, auditWrite } from '../../storage/repositories/audit'
import { getIncident, updateIncident, type Incident } from '../../storage/repositories/incidents'
import { searchIncidentCandidates } from '../../storage/repositories/similar-incidents-search'
import {
  listEarlierIncidentErrors,
  listLogTemplateCounts,
  listLogTemplates,
  replaceIncidentErrorSightings,
  upsertLogTemplateObservations,
} from '../../storage/repositories/log-templates'
import { createExecution, listExecutionsForIncident } from '../../storage/repositories/playbooks'
import { currentPlaybooks } from '../../storage/repositories/playbook-versions'
import { jobIdFor, type JobData } from '../../core/jobs/job-queue'
import { cachedCalibration } from '../current-calibration'
import { ensureIncidentRoot, refreshIncidentRoot, showCurrentIncidentProgress } from '../incident-root'
import { joinIncidentStorm, stormDecisionFor } from '../incident-storm'
import type { WorkerDeps } from '../worker-deps'
import { BlueprintTelemetry } from '../../core/blueprint/blueprint-telemetry'
import { listBlueprintEdges } from '../../storage/repositories/blueprint-edges'
import { findForewarning } from '../../storage/repositories/proactive-warnings'
import { forewarningEvidence } from '../../core/warnings/forewarning-evidence'

/**
 * Analyses one incident and posts the result into its thread, then starts the
 * chosen playbook. Safe to re-run: posts are keyed, a completed analysis is kept.
 */
export async function processIncidentAnalyze(
  deps: WorkerDeps,
  data: JobData<'incident.analyze'>,
  loaded?: Incident,
  /** The embedding stored with `loaded` (embedIncident), as the caller read it back with the incident: the search reuses it. */
  storedEmbedding?: { vector: number[]; model: string } | null,
): Promise<void> {
  const log = deps.logger.child({ incident: data.incidentId, job: 'incident.analyze' })
  // `loaded`: the incident as the caller has just read it in this job.
  let incident = loaded?.id === data.incidentId ? loaded : await getIncident(deps.db, data.incidentId)
  if (!incident) throw new PermanentJobError(`incident ${data.incidentId} does not exist`)
  const storm = incident.status === 'open' ? await stormDecisionFor(deps, incident, data) : { kind: 'alone' as const }
  if (storm.kind === 'member' && (await joinIncidentStorm(deps, incident, storm.parentId))) return
  if (storm.kind === 'wait')
    return deps.queue.enqueue(
      'incident.analyze',
      { incidentId: incident.id, settled: true },
      { jobId: jobIdFor('analyze', incident.id, 'settled'), delayMs: storm.ms },
    )
  const analyzing = { phase: 'analyzing' } as const
  const root = await ensureIncidentRoot(deps, incident, incident.status === 'open' ? analyzing : undefined)
  incident = { ...incident, slackChannel: root.channel, slackTs: root.ts }
  if (incident.status === 'resolved') return

  const previous = await getLatestAnalysis(deps.db, incident.id)
  if (previous?.status === 'completed') {
    // A root message just posted as analysing shows what was stored instead.
    if (root.openedWith) await refreshIncidentRoot(deps, incident.id)
    return log.info('analysis already completed')
  }
  const analysis = previous?.status === 'running' ? previous : await startAnalysis(deps.db, incident.id)
  // Posted as analysing just now, or read (ensureIncidentRoot's write at most) just before: no need to read it again.
  if (!root.openedWith) await showCurrentIncidentProgress(deps, incident.id, root, analyzing, incident)

  const reused = storedEmbedding ?? null
  let result: Awaited<ReturnType<typeof analyzeIncident>>
  const { capacitySettings } = deps
  try {
    const calibration = { diagnosis: await cachedCalibration(deps, 'diagnosis'), retrieval: await cachedCalibration(deps, 'retrieval') }
    result = await analyzeIncident(
      { ...incident, embedding: reused },
      {
        embedder: deps.embedder,
        // The service graph walked is the blueprint (edges seen in traces) merged with the declared one.
        telemetry: new BlueprintTelemetry(deps.telemetry, await listBlueprintEdges(deps.db)),
        search: { searchCandidates: (query) => searchIncidentCandidates(deps.db, query) },
        calibration,
        // The current versions: an edit approved since this worker started is used at once.
        playbooks: await currentPlaybooks(deps.db, deps.playbooks),
        logHistory: logTemplateHistory(deps),
        now: deps.now,
        onSimilarIncidents: (matches, retrieval) => deps.thread.postSimilarIncidents(analysis.id, root, matches, retrieval),
        forewarning: async () => {
          const found = await findForewarning(deps.db, incident)
          return found ? forewarningEvidence(found) : null
        },
        capacity: capacitySettings ? (service) => assessCapacity({ telemetry: deps.telemetry, settings: capacitySettings, now: deps.now }, service) : undefined,
      },
      { confidenceThreshold: deps.config.CONFIDENCE_THRESHOLD },
    )
  } catch (err) {
    const message = errorMessage(err)
    await failAnalysis(deps.db, analysis.id, message)
    await deps.thread.postAnalysisFailure(analysis.id, root, message)
    await showCurrentIncidentProgress(deps, incident.id, root, { phase: 'failed' })
    throw err
  }

  const alreadyStored = reused !== null && result.embedding === reused.vector
  const stored =
    result.embedding && result.retrieval && !alreadyStored
      ? await updateIncident(deps.db, incident.id, { embedding: result.embedding, embeddingModel: result.retrieval.embeddingModel })
      : undefined
  // A fresh analysis row has no trail to replace; one resumed from a crashed attempt may. The trail, the confidence
  // record and the audit entry are one statement.
  const top = result.matches[0]
  await completeAnalysis(
    deps.db,
    analysis.id,
    { replacing: analysis === previous },
    {
      hypothesis: result.hypothesis?.statement ?? null,
      confidence: result.confidence,
      playbookId: result.playbook?.playbook.id ?? null,
      summary: result.summary,
      steps: result.steps.map((s) => ({ position: s.position, question: s.question, query: s.query, decision: s.decision, discarded: s.discarded })),
      evidence: result.steps.flatMap((s) =>
        s.evidence.map((e) => ({
          stepPosition: s.position,
          source: e.source,
          title: e.title,
          detail: e.detail,
          link: e.link,
          anomalous: e.anomalous ? 1 : 0,
          data: e.data,
        })),
      ),
      factors: result.factors.map((f) => ({ name: f.name, value: f.value, weight: f.weight, explanation: f.explanation })),
    },
    [
      analysisConfidenceWrite(deps.db, {
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
      }),
      auditWrite(deps.db, {
        actor: 'system',
        action: 'analysis.completed',
        incidentId: incident.id,
        subjectType: 'analysis',
        subjectId: analysis.id,
        details: { confidence: result.confidence, hypothesis: result.hypothesis?.statement ?? null, playbook: result.playbook?.playbook.id ?? null },
      }),
    ],
  )

  await deps.thread.postAnalysis(analysis.id, root, result, incidentLabel(incident))
  // Saturation with a scale-up suggestion on a Deployment: offered with a Scale button (through the approval gate).
  const scale = scaleOfferOf(result.steps.flatMap((s) => s.evidence))
  if (scale) await deps.thread.offerScale(analysis.id, root, scale, incident.number)

  const chosen = result.playbook?.playbook
  // A playbook acts on a service: without one named, it is suggested, not started.
  const target = incident.service ?? result.hypothesis?.target ?? null
  const start = Boolean(chosen && target)
  // The alert may have resolved while the analysis ran: show the incident as it is now.
  await showCurrentIncidentProgress(
    deps,
    incident.id,
    root,
    {
      phase: 'analyzed',
      summary: result.summary,
      confidence: result.confidence,
      playbookTitle: chosen?.title,
      executionStatus: chosen ? (start ? 'running' : 'suggested: name the service to run it') : undefined,
    },
    stored,
  )
  const offers = (start ? result.alternatives : [result.playbook, ...result.alternatives].filter((c) => c !== null)).map((c) => ({
    id: c.playbook.id,
    title: c.playbook.title,
    reasons: c.reasons,
  }))
  if (offers.length) {
    await deps.thread.offerPlaybooks(analysis.id, root, offers, incident.number, start ? chosen!.title : null)
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
        rationale: (
          `${result.summary} ${result.hypothesis ? `Evidence: ${result.hypothesis.because.join('; ')}.` : ''}` +
          `${
            result.matches[0]
              ? ` Closest past incident INC-${result.matches[0].incident.number} ` +
                `was resolved by: ${result.matches[0].incident.resolution ?? 'unknown'} (${result.matches[0].incident.resolutionOutcome ?? 'unknown'}).`
              : ''
          }`
        ).trim(),
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
      const retainSince = new Date(deps.now().getTime() - deps.config.LOG_TEMPLATE_RETENTION_DAYS * DAY_MS)
      const { dropped, busy } = await upsertLogTemplateObservations(deps.db, service, observations, observedBuckets, {
        maxTemplatesPerService: maxTemplates,
        retainSince,
      })
      if (busy) deps.logger.info({ service }, 'log templates not stored: another analysis of the service was storing at the same moment')
      if (dropped > 0) deps.logger.warn({ service, dropped, maxTemplates }, 'log templates not stored: the service is at its cap')
    },
    listEarlierIncidentErrors: (query) => listEarlierIncidentErrors(deps.db, query),
    replaceIncidentErrors: (incidentId, sightings) => replaceIncidentErrorSightings(deps.db, incidentId, sightings),
  }
}
