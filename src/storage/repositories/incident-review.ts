import { asc, eq } from 'drizzle-orm'
import type { ReviewInput } from '../../core/incidents/review'
import { computePlaybookEffectiveness } from '../../core/playbooks/playbook-effectiveness'
import { buildIncidentTimeline } from '../../core/incidents/timeline'
import type { Database } from '../database'
import { analysisConfidence, incidents, playbookExecutions } from '../schema'
import { getAnalysisRecord, getLatestAnalysis, listStoredSimilarIncidents } from './analyses'
import { listFollowupActionsOfIncident } from './followup-actions'
import type { Incident } from './incidents'
import { loadTimelineInput } from './incident-timeline'
import { loadPlaybookHistory } from './playbook-effectiveness'

/** Everything the review of `incident` is drafted from, read from storage only (deploys as stored when the timeline was built). */
export async function loadReviewInput(db: Database, incident: Incident): Promise<ReviewInput> {
  const [timelineInput, latest, executions, same, followUps] = await Promise.all([
    loadTimelineInput(db, incident),
    getLatestAnalysis(db, incident.id),
    db
      .select({ playbookId: playbookExecutions.playbookId, definition: playbookExecutions.definition, status: playbookExecutions.status })
      .from(playbookExecutions)
      .where(eq(playbookExecutions.incidentId, incident.id))
      .orderBy(asc(playbookExecutions.createdAt)),
    incident.sameIncidentId
      ? db.select({ id: incidents.id, number: incidents.number, title: incidents.title }).from(incidents).where(eq(incidents.id, incident.sameIncidentId))
      : Promise.resolve([]),
    listFollowupActionsOfIncident(db, incident.id),
  ])
  let analysis: ReviewInput['analysis'] = null
  if (latest) {
    const record = await getAnalysisRecord(db, latest.id)
    const matches = record ? await listStoredSimilarIncidents(db, record) : []
    const [confidence] = await db
      .select({ playbookId: analysisConfidence.playbookId })
      .from(analysisConfidence)
      .where(eq(analysisConfidence.analysisId, latest.id))
    analysis = {
      status: latest.status,
      hypothesis: latest.hypothesis,
      confidence: latest.confidence,
      suggestedPlaybookId: latest.playbookId ?? confidence?.playbookId ?? null,
      matches: matches.map((m) => ({ id: m.incident.id, number: m.incident.number })),
    }
  }
  const usedPlaybook = incident.playbookId ?? executions.at(-1)?.playbookId ?? null
  const playbook = usedPlaybook
    ? (computePlaybookEffectiveness(await loadPlaybookHistory(db, { playbookId: usedPlaybook })).find((f) => f.playbookId === usedPlaybook) ?? null)
    : null
  const timeline = buildIncidentTimeline(timelineInput)
  // Not stored until a timeline is posted: the stored evidence gives it already (the earliest anomaly before the alert).
  const earliest = timeline.detectedAt && timeline.detectedAt < incident.startedAt ? timeline.detectedAt : null
  return {
    incident: {
      number: incident.number,
      title: incident.title,
      summary: incident.summary,
      service: incident.service,
      severity: incident.severity,
      source: incident.source,
      status: incident.status,
      startedAt: incident.startedAt,
      detectedAt: incident.detectedAt ?? earliest,
      acknowledgedAt: incident.acknowledgedAt,
      acknowledgedBy: incident.acknowledgedBy,
      mitigatedAt: incident.mitigatedAt,
      resolvedAt: incident.resolvedAt,
      createdBy: incident.createdBy,
      commanderId: incident.commanderId,
      ttaSeconds: incident.ttaSeconds,
      ttmSeconds: incident.ttmSeconds,
      ttrSeconds: incident.ttrSeconds,
      resolution: incident.resolution,
      resolutionOutcome: incident.resolutionOutcome,
      rootCause: incident.rootCause,
      contributingFactors: incident.contributingFactors,
      diagnosisLabel: incident.diagnosisLabel,
      resolutionRecordedBy: incident.resolutionRecordedBy,
      resolutionRecordedAt: incident.resolutionRecordedAt,
      playbookId: incident.playbookId,
      sameIncident: same[0] ?? null,
    },
    timeline,
    analysis,
    executions: executions.map((e) => ({ playbookId: e.playbookId, title: e.definition.title, status: e.status })),
    followUps: followUps.map((f) => ({ owner: f.owner, text: f.text, dueOn: f.dueOn, status: f.status })),
    playbook,
  }
}
