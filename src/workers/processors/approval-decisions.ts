import { PermanentJobError } from '../../core/errors'
import { buildApprovalRequestMessage } from '../../slack/blocks/approval-blocks'
import { expireApprovalRequest, getApprovalRequest, listApprovalVotes, type ApprovalRequest } from '../../storage/repositories/approvals'
import { appendAudit } from '../../storage/repositories/audit'
import { getExecution, updateExecution } from '../../storage/repositories/playbooks'
import { getIncidentOrThrow } from '../../storage/repositories/incidents'
import { incidentLabel } from '../../core/incidents/incident-label'
import type { Playbook } from '../../core/playbooks/schema'
import { escapeMrkdwn, section } from '../../slack/blocks/block-kit'
import { refreshIncidentRoot } from './incident-messages'
import { jobIdFor, type JobData } from '../../core/jobs/job-queue'
import type { WorkerDeps } from '../worker-deps'

/** After a decision: show it on the request message and let the playbook go on (or stop). */
export async function processApprovalDecided(deps: WorkerDeps, data: JobData<'approval.decided'>): Promise<void> {
  const approval = await getApprovalRequest(deps.db, data.approvalId)
  if (!approval) throw new PermanentJobError(`approval ${data.approvalId} does not exist`)
  await renderApproval(deps, approval)
  if (approval.status === 'pending' || !approval.executionId) return
  const execution = await getExecution(deps.db, approval.executionId)
  if (!execution || execution.status !== 'waiting_approval') return
  await updateExecution(deps.db, execution.id, { status: 'running' })
  await deps.queue.enqueue('playbook.advance', { executionId: execution.id }, { jobId: jobIdFor('advance', execution.id, execution.nextStep, approval.status) })
}

/**
 * An approval nobody decided in time expires: the run stops, and the escalation
 * contacts are paged in the thread with what was waiting and how to restart it.
 */
export async function processApprovalExpire(deps: WorkerDeps, data: JobData<'approval.expire'>): Promise<void> {
  const expired = await expireApprovalRequest(deps.db, data.approvalId, deps.now())
  if (!expired) return
  await renderApproval(deps, expired)
  const execution = expired.executionId ? await getExecution(deps.db, expired.executionId) : null
  if (execution?.status === 'waiting_approval') await updateExecution(deps.db, execution.id, { status: 'failed' })
  const playbook = execution?.definition as Playbook | undefined
  const gate = playbook && expired.stepPosition !== null ? playbook.steps[expired.stepPosition] : undefined
  const contacts = (gate?.kind === 'approval' ? gate.escalateTo : undefined) ?? (deps.config.ESCALATION_CONTACTS.length ? deps.config.ESCALATION_CONTACTS : expired.approvers)
  const incident = await getIncidentOrThrow(deps.db, expired.incidentId)
  await appendAudit(deps.db, { actor: 'system', action: 'approval.expired', incidentId: expired.incidentId, subjectType: 'approval_request', subjectId: expired.id, details: { action: expired.action, escalatedTo: contacts } })
  if (incident.slackChannel && incident.slackTs) {
    const who = contacts.length ? contacts.map((c) => (c.startsWith('S') ? `<!subteam^${c}>` : `<@${c}>`)).join(' ') : 'nobody (no approvers or escalation contacts are configured)'
    const restart = playbook ? ` Restart it with \`/sre run ${playbook.id} ${incidentLabel(incident)}\` once someone can decide.` : ''
    const text = `:rotating_light: Escalating to ${who}: nobody decided on *${escapeMrkdwn(expired.action.preview)}* before it expired, so the playbook run stopped.${restart}`
    await deps.slack.postOnce(`approval:${expired.id}:escalation`, incident.slackChannel, { text, blocks: [section(text)] }, incident.slackTs)
  }
  if (playbook) await refreshIncidentRoot(deps, incident.id, { playbookTitle: playbook.title, executionStatus: 'approval expired' })
}

/** Re-renders the request message with its current state and the approvals so far. */
export async function renderApproval(deps: WorkerDeps, approval: ApprovalRequest): Promise<void> {
  if (!approval.slackChannel || !approval.slackTs) return
  const approvedBy = (await listApprovalVotes(deps.db, approval.id)).filter((v) => v.vote === 'approve').map((v) => v.userId)
  await deps.slack.update(approval.slackChannel, approval.slackTs, buildApprovalRequestMessage({ ...approval, approvedBy }))
}
