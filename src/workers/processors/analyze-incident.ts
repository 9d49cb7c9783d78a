import { analyzeIncident } from '../../core/analysis/analyze-incident'
import { PermanentJobError } from '../../core/errors'
import { buildAnalysisFailedMessage, buildAssessmentMessage, buildEvidenceMessage, buildSimilarIncidentsMessage } from '../../slack/blocks/analysis-blocks'
import { completeAnalysis, failAnalysis, getLatestAnalysis, startAnalysis } from '../../storage/repositories/analyses'
import { appendAudit } from '../../storage/repositories/audit'
import { findSimilarIncidents, getIncident, updateIncident } from '../../storage/repositories/incidents'
import { createExecution, listExecutionsForIncident } from '../../storage/repositories/playbooks'
import { jobIdFor, type JobData } from '../jobs'
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
    result = await analyzeIncident(
      incident,
      {
        embedder: deps.embedder,
        telemetry: deps.telemetry,
        playbooks: deps.playbooks,
        projectId: deps.config.GCP_PROJECT_ID,
        now: deps.now,
        onSimilarIncidents: async (matches) => {
          await deps.slack.postOnce(`analysis:${analysis.id}:similar`, root.channel, buildSimilarIncidentsMessage(matches), root.ts)
        },
        findSimilar: async (embedding, options) =>
          (await findSimilarIncidents(deps.db, embedding, options)).map((r) => ({ incident: r.incident, similarity: r.similarity })),
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

  await updateIncident(deps.db, incident.id, { embedding: result.embedding })
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

  const chosen = result.playbook?.playbook
  // A playbook acts on a service: without one named, it is suggested, not started.
  const target = incident.service ?? result.hypothesis?.target ?? null
  const start = Boolean(chosen && target)
  await updateIncidentRoot(deps, incident, { phase: 'analyzed', summary: result.summary, confidence: result.confidence, playbookTitle: chosen?.title, executionStatus: chosen ? (start ? 'running' : 'suggested: name the service to run it') : undefined })
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
