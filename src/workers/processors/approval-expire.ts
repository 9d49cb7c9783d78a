import { incidentLabel } from '../../core/incidents/incident-label'
import type { JobData } from '../../core/jobs/job-queue'
import type { Playbook } from '../../core/playbooks/schema'
import { expireApprovalRequest } from '../../storage/repositories/approvals'
import { appendAudit } from '../../storage/repositories/audit'
import { getIncidentOrThrow } from '../../storage/repositories/incidents'
import { getExecution, updateExecution } from '../../storage/repositories/playbooks'
import { refreshIncidentRoot } from '../incident-root'
import { showApproval } from '../show-approval'
import type { WorkerDeps } from '../worker-deps'

/**
 * An approval nobody decided in time expires: the run stops, and the escalation
 * contacts are paged in the thread with what was waiting and how to restart it.
 */
export async function processApprovalExpire(deps: WorkerDeps, data: JobData<'approval.expire'>): Promise<void> {
  const expired = await expireApprovalRequest(deps.db, data.approvalId, deps.now())
  if (!expired) return
  await showApproval(deps, expired)
  const execution = expired.executionId ? await getExecution(deps.db, expired.executionId) : null
  if (execution?.status === 'waiting_approval') await updateExecution(deps.db, execution.id, { status: 'failed' })
  const playbook = execution?.definition as Playbook | undefined
  const gate = playbook && expired.stepPosition !== null ? playbook.steps[expired.stepPosition] : undefined
  const configured = deps.config.ESCALATION_CONTACTS.length ? deps.config.ESCALATION_CONTACTS : expired.approvers
  const contacts = (gate?.kind === 'approval' ? gate.escalateTo : undefined) ?? configured
  const incident = await getIncidentOrThrow(deps.db, expired.incidentId)
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'approval.expired',
    incidentId: expired.incidentId,
    subjectType: 'approval_request',
    subjectId: expired.id,
    details: { action: expired.action, escalatedTo: contacts },
  })
  if (incident.slackChannel && incident.slackTs) {
    await deps.thread.escalateExpiredApproval(
      expired.id,
      { channel: incident.slackChannel, ts: incident.slackTs },
      {
        actionPreview: expired.action.preview,
        contacts,
        restart: playbook ? { playbookId: playbook.id, incidentLabel: incidentLabel(incident) } : null,
      },
    )
  }
  if (playbook) await refreshIncidentRoot(deps, incident.id, { playbookTitle: playbook.title, executionStatus: 'approval expired' })
}
