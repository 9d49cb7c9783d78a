import { PermanentJobError } from '../../core/errors'
import { incidentLabel } from '../../core/incidents/incident-label'
import { getLatestAnalysis } from '../../storage/repositories/analyses'
import { listApprovalRequestsForExecution } from '../../storage/repositories/approvals'
import { appendAudit } from '../../storage/repositories/audit'
import { getIncidentByNumber, getIncidentOrThrow } from '../../storage/repositories/incidents'
import { createExecution, getExecution } from '../../storage/repositories/playbooks'
import type { Playbook } from '../../core/playbooks/schema'
import { jobIdFor, type JobData } from '../../core/jobs/job-queue'
import type { WorkerDeps } from '../worker-deps'
import { progressMessage } from './advance-playbook'
import { renderApproval } from './approval-decisions'
import { refreshIncidentRoot } from './incident-messages'

/** `/sre run <playbook> <INC-n>`: a run requested by a person, who then cannot approve its actions. */
export async function processRunCommand(deps: WorkerDeps, data: JobData<'command.run'>): Promise<void> {
  const tell = (text: string) => deps.slack.ephemeral(data.channelId, data.userId, { text, blocks: [] })
  const playbook = deps.playbooks.find((p) => p.id === data.playbookId)
  const incident = await getIncidentByNumber(deps.db, data.incidentNumber)
  if (!playbook) return tell(`There is no playbook \`${data.playbookId}\`; \`/sre playbooks\` lists them.`)
  if (!incident || incident.status !== 'open') return tell(`INC-${data.incidentNumber} is not an open incident.`)
  if (!incident.slackChannel || !incident.slackTs) return tell(`${incidentLabel(incident)} has no thread yet; try again in a moment.`)
  const analysis = await getLatestAnalysis(deps.db, incident.id)
  const service = incident.service ?? 'unknown'
  const execution = await createExecution(deps.db, {
    playbookId: playbook.id,
    playbookVersion: playbook.version,
    definition: playbook,
    incidentId: incident.id,
    inputs: {
      service,
      target: service,
      incident: { number: incident.number, title: incident.title },
      confidence: analysis?.confidence ?? null,
      rationale: `Requested by <@${data.userId}> with /sre run.${analysis?.summary ? ` Analysis: ${analysis.summary}` : ''}`,
    },
    startedBy: data.userId,
    slackChannel: incident.slackChannel,
  })
  await appendAudit(deps.db, { actor: data.userId, action: 'playbook.started', incidentId: incident.id, subjectType: 'playbook_execution', subjectId: execution.id, details: { playbook: playbook.id, version: playbook.version, via: '/sre run' }, slackChannel: data.channelId })
  await deps.queue.enqueue('playbook.advance', { executionId: execution.id }, { jobId: jobIdFor('advance', execution.id, 0) })
}

/** After a cancel: the progress message, open approval requests and the root message show it. */
export async function processPlaybookCancelled(deps: WorkerDeps, data: JobData<'playbook.cancelled'>): Promise<void> {
  const execution = await getExecution(deps.db, data.executionId)
  if (!execution) throw new PermanentJobError(`playbook execution ${data.executionId} does not exist`)
  const playbook = execution.definition as Playbook
  const incident = await getIncidentOrThrow(deps.db, execution.incidentId)
  if (execution.slackChannel && execution.slackTs) {
    const vars = { ...execution.inputs }
    await deps.slack.update(execution.slackChannel, execution.slackTs, await progressMessage(deps, execution, playbook, vars, incident.number))
  }
  for (const approval of await listApprovalRequestsForExecution(deps.db, execution.id)) await renderApproval(deps, approval)
  await refreshIncidentRoot(deps, incident.id, { playbookTitle: playbook.title, executionStatus: 'cancelled' })
}
