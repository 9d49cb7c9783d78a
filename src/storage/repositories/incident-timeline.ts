import { renderTemplate } from '../../core/playbooks/render-template'
import { and, asc, desc, eq, gt, isNull, or } from 'drizzle-orm'
import type { TimelineStore } from '../../core/incidents/collect-incident-timeline'
import type { TimelineInput } from '../../core/incidents/timeline'
import type { Playbook } from '../../core/playbooks/schema'
import type { Database } from '../database'
import { alerts, analyses, incidents, playbookExecutions } from '../schema'
import { getAnalysisRecord } from './analyses'
import { listAuditForIncident } from './audit'
import { listIncidentEvents, recordIncidentEvent } from './incident-events'
import { getIncidentByOwnChannel } from './incident-lifecycle'
import { getLatestIncidentInChannel, incidentColumns, toIncident, type Incident } from './incidents'

/** Everything stored about the incident that its timeline shows, read in a few queries. */
export async function loadTimelineInput(db: Database, incident: Incident): Promise<TimelineInput> {
  const [alertRows, events, analysisRows, audit, executions] = await Promise.all([
    db
      .select({ status: alerts.status, source: alerts.source, receivedAt: alerts.receivedAt })
      .from(alerts)
      .where(eq(alerts.incidentId, incident.id))
      .orderBy(asc(alerts.receivedAt)),
    listIncidentEvents(db, incident.id),
    db.select({ id: analyses.id }).from(analyses).where(eq(analyses.incidentId, incident.id)).orderBy(asc(analyses.startedAt)),
    listAuditForIncident(db, incident.id),
    db
      .select({ definition: playbookExecutions.definition, inputs: playbookExecutions.inputs })
      .from(playbookExecutions)
      .where(eq(playbookExecutions.incidentId, incident.id)),
  ])
  const records = (await Promise.all(analysisRows.map((a) => getAnalysisRecord(db, a.id)))).filter((r) => r !== null)
  const playbookTitles: TimelineInput['playbookTitles'] = {}
  for (const { definition, inputs } of executions) {
    const playbook = definition as Playbook
    // Titles as the run showed them: its inputs filled in ({{service}} → payment-api).
    const vars = (inputs ?? {}) as Record<string, unknown>
    playbookTitles[playbook.id] = {
      title: renderTemplate(playbook.title, vars),
      steps: Object.fromEntries(playbook.steps.map((s) => [s.id, renderTemplate(s.title, vars)])),
    }
  }
  return {
    incident: {
      number: incident.number,
      title: incident.title,
      source: incident.source,
      service: incident.service,
      startedAt: incident.startedAt,
      resolvedAt: incident.resolvedAt,
      createdBy: incident.createdBy,
      resolution: incident.resolution,
      resolutionOutcome: incident.resolutionOutcome,
      rootCause: incident.rootCause,
      resolutionRecordedBy: incident.resolutionRecordedBy,
      resolutionRecordedAt: incident.resolutionRecordedAt,
    },
    alerts: alertRows,
    events: events.map((e) => ({ occurredAt: e.occurredAt, kind: e.kind, actor: e.actor, text: e.text, link: e.link, dedupeKey: e.dedupeKey })),
    analyses: records.map(({ analysis, steps, evidence }) => ({
      startedAt: analysis.startedAt,
      completedAt: analysis.completedAt,
      status: analysis.status,
      hypothesis: analysis.hypothesis,
      confidence: analysis.confidence,
      error: analysis.error,
      steps: steps.map((s) => ({ position: s.position, question: s.question, decision: s.decision, at: s.createdAt })),
      evidence: evidence.map((e) => ({
        stepPosition: e.stepPosition,
        source: e.source,
        title: e.title,
        detail: e.detail,
        link: e.link,
        anomalous: e.anomalous === 1,
        data: e.data,
      })),
    })),
    audit: audit.map((a) => ({ at: a.at, actor: a.actor, action: a.action, details: a.details })),
    playbookTitles,
    changes: [],
  }
}

/** The timeline's reads and writes for one incident. */
export function incidentTimelineStore(db: Database, incident: Incident): TimelineStore {
  return {
    load: () => loadTimelineInput(db, incident),
    async recordChanges(changes) {
      for (const c of changes) {
        await recordIncidentEvent(db, {
          incidentId: incident.id,
          occurredAt: c.at,
          kind: c.kind,
          actor: c.actor,
          text: c.description,
          link: c.link,
          details: { service: c.service, changeId: c.id },
          dedupeKey: `change:${c.id}`,
        })
      }
    },
    async recordDetectedAt(at) {
      await db
        .update(incidents)
        .set({ detectedAt: at })
        .where(and(eq(incidents.id, incident.id), gt(incidents.startedAt, at), or(isNull(incidents.detectedAt), gt(incidents.detectedAt, at))))
    },
  }
}

/** The incident a message belongs to: the thread under its root message (`threadTs`), or its own incident channel. */
export async function findIncidentOfMessage(db: Database, channel: string, threadTs: string): Promise<Incident | null> {
  const where = or(and(eq(incidents.slackChannel, channel), eq(incidents.slackTs, threadTs)), eq(incidents.incidentChannelId, channel))
  const [row] = await db.select(incidentColumns).from(incidents).where(where).orderBy(desc(incidents.startedAt)).limit(1)
  return row ? toIncident(row) : null
}

/** What `/sre timeline` without INC-n means in `channel`: the incident whose own channel it is, else the latest posted there. */
export async function findIncidentOfChannel(db: Database, channel: string): Promise<Incident | null> {
  return (await getIncidentByOwnChannel(db, channel)) ?? (await getLatestIncidentInChannel(db, channel))
}

/** Whether any incident was posted in `channel` or has it as its own: a reaction anywhere else is none of the timeline's business. */
export async function channelHasIncidents(db: Database, channel: string): Promise<boolean> {
  const [row] = await db
    .select({ id: incidents.id })
    .from(incidents)
    .where(or(eq(incidents.slackChannel, channel), eq(incidents.incidentChannelId, channel)))
    .limit(1)
  return row !== undefined
}
