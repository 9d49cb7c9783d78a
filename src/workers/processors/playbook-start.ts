import { incidentLabel } from '../../core/incidents/incident-label'
import { jobIdFor, type JobData } from '../../core/jobs/job-queue'
import { CAPACITY_SCALE_PLAYBOOKS } from '../../core/capacity/scale-offer'
import { isActiveRun } from '../../core/playbooks/active-run'
import { getLatestAnalysis } from '../../storage/repositories/analyses'
import { appendAudit } from '../../storage/repositories/audit'
import { getIncidentByNumber } from '../../storage/repositories/incidents'
import { createExecution, listExecutionsForIncident } from '../../storage/repositories/playbooks'
import { getCurrentPlaybook } from '../../storage/repositories/playbook-versions'
import type { WorkerDeps } from '../worker-deps'

/**
 * `/sre run <playbook> <INC-n>` or a Run button: a run requested by a person, who then cannot approve
 * its actions. One run of a playbook per incident at a time: a second request (a double click) is refused.
 */
export async function processPlaybookStart(deps: WorkerDeps, data: JobData<'playbook.start'>): Promise<void> {
  const tell = (text: string) => deps.thread.tellUser(data.channelId, data.userId, text)
  const listed = [...deps.playbooks, ...Object.values(CAPACITY_SCALE_PLAYBOOKS)].find((p) => p.id === data.playbookId)
  // The current version (an approved edit, a revert), not the file as this process loaded it.
  const playbook = listed ? ((await getCurrentPlaybook(deps.db, listed.id)) ?? listed) : undefined
  const incident = await getIncidentByNumber(deps.db, data.incidentNumber)
  if (!playbook) return tell(`There is no playbook \`${data.playbookId}\`; \`/sre playbooks\` lists them.`)
  if (incident?.status !== 'open') return tell(`INC-${data.incidentNumber} is not an open incident.`)
  if (!incident.slackChannel || !incident.slackTs) return tell(`${incidentLabel(incident)} has no thread yet; try again in a moment.`)
  const alreadyRunning = `${playbook.title} is already running on ${incidentLabel(incident)}; its progress is in the incident's thread.`
  // Checked and created under one lock, so two requests at the same moment cannot both start a run.
  const started = await deps.tryWithLock(`playbook-start:${incident.id}:${playbook.id}`, async () => {
    const active = (await listExecutionsForIncident(deps.db, incident.id)).find((e) => e.playbookId === playbook.id && isActiveRun(e.status))
    if (active) return null
    const analysis = await getLatestAnalysis(deps.db, incident.id)
    const service = incident.service ?? 'unknown'
    return createExecution(deps.db, {
      playbookId: playbook.id,
      playbookVersion: playbook.version,
      definition: playbook,
      incidentId: incident.id,
      inputs: {
        ...data.parameters,
        service,
        target: service,
        incident: { number: incident.number, title: incident.title },
        confidence: analysis?.confidence ?? null,
        rationale: `Requested by <@${data.userId}> ${data.reason ?? 'with /sre run.'}${analysis?.summary ? ` Analysis: ${analysis.summary}` : ''}`,
      },
      startedBy: data.userId,
      slackChannel: incident.slackChannel,
    })
  })
  const execution = started.ran ? started.value : null
  if (!execution) {
    deps.logger.info({ incident: incident.id, playbook: playbook.id, user: data.userId }, 'run not started: one is already active')
    return tell(alreadyRunning)
  }
  const details = { playbook: playbook.id, version: playbook.version, via: data.parameters ? 'button' : '/sre run', parameters: data.parameters ?? null }
  await appendAudit(deps.db, {
    actor: data.userId,
    action: 'playbook.started',
    incidentId: incident.id,
    subjectType: 'playbook_execution',
    subjectId: execution.id,
    details,
    slackChannel: data.channelId,
  })
  await deps.queue.enqueue('playbook.advance', { executionId: execution.id }, { jobId: jobIdFor('advance', execution.id, 0) })
}
