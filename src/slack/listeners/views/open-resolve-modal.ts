import type { WebClient } from '@slack/web-api'
import { incidentLabel } from '../../../core/incidents/incident-label'
import type { Playbook } from '../../../core/playbooks/schema'
import { getAnalysisRecord, getLatestAnalysis, listStoredSimilarIncidents } from '../../../storage/repositories/analyses'
import type { Incident } from '../../../storage/repositories/incidents'
import { listExecutionSteps, listExecutionsForIncident } from '../../../storage/repositories/playbooks'
import { buildResolveModal, type ResolveModalView } from '../../blocks/resolution-blocks'
import type { ListenerDeps } from '../listener-deps'

/** What the modal starts from: the answers already recorded (an edit), else the playbook run, the hypothesis and the top match. */
export async function resolveModalView(deps: Pick<ListenerDeps, 'db'>, incident: Incident, askedIn: string | null): Promise<ResolveModalView> {
  const analysis = await getLatestAnalysis(deps.db, incident.id)
  const record = analysis ? await getAnalysisRecord(deps.db, analysis.id) : null
  const matches = record ? await listStoredSimilarIncidents(deps.db, record) : []
  const [execution] = (await listExecutionsForIncident(deps.db, incident.id)).toSorted((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
  const basis: string[] = []
  let ranPlaybook = ''
  if (execution) {
    const definition = execution.definition as Playbook
    const done = (await listExecutionSteps(deps.db, execution.id))
      .filter((s) => s.kind === 'action' && s.status === 'succeeded')
      .map((s) => definition.steps.find((d) => d.id === s.stepId)?.title ?? s.stepId)
    ranPlaybook = `Playbook "${definition.title}" (${execution.status.replace('_', ' ')})${done.length ? `: ${done.join('; ')}` : ''}`
    basis.push(`The bot ran ${ranPlaybook}.`)
  }
  const top = matches[0]
  if (analysis?.hypothesis) basis.push(`Suggested root cause: ${analysis.hypothesis}`)
  if (top) basis.push(`Most similar: ${incidentLabel(top.incident)} ${top.incident.title}, resolved by ${top.incident.resolution ?? 'not recorded'}`)
  const recorded = incident.resolutionRecordedAt !== null
  const outcome = incident.resolutionOutcome === 'unknown' ? null : incident.resolutionOutcome
  return {
    incidentId: incident.id,
    channel: incident.slackChannel ?? askedIn,
    label: incidentLabel(incident),
    title: incident.title,
    fixedIt: incident.resolution ?? (ranPlaybook || (top?.incident.resolution ? `As ${incidentLabel(top.incident)}: ${top.incident.resolution}` : '')),
    rootCause: incident.rootCause ?? analysis?.hypothesis ?? '',
    contributingFactors: incident.contributingFactors ?? '',
    outcome: recorded ? outcome : null,
    diagnosis: recorded ? incident.diagnosisLabel : null,
    matches: matches.map((m) => ({ id: m.incident.id, label: incidentLabel(m.incident), title: m.incident.title })),
    sameIncidentId: recorded ? incident.sameIncidentId : (top?.incident.id ?? null),
    basis,
  }
}

/** Opens the Resolve modal with the click's or command's trigger (valid for 3 s, so the reads come first and are few). */
export async function openResolveModal(
  deps: Pick<ListenerDeps, 'db'>,
  client: WebClient,
  opening: { triggerId: string; channel: string | null },
  incident: Incident,
): Promise<void> {
  await client.views.open({ trigger_id: opening.triggerId, view: buildResolveModal(await resolveModalView(deps, incident, opening.channel)) })
}
