import { PermanentJobError } from '../../core/errors'
import type { JobData } from '../../core/jobs/job-queue'
import type { Playbook } from '../../core/playbooks/schema'
import { listApprovalRequestsForExecution } from '../../storage/repositories/approvals'
import { getIncidentOrThrow } from '../../storage/repositories/incidents'
import { getExecution } from '../../storage/repositories/playbooks'
import { refreshIncidentRoot } from '../incident-root'
import { playbookRunView } from '../playbook-run-view'
import { showApproval } from '../show-approval'
import type { WorkerDeps } from '../worker-deps'

/** After a cancel: the progress message, open approval requests and the root message show it. */
export async function processPlaybookShowCancellation(deps: WorkerDeps, data: JobData<'playbook.show-cancellation'>): Promise<void> {
  const execution = await getExecution(deps.db, data.executionId)
  if (!execution) throw new PermanentJobError(`playbook execution ${data.executionId} does not exist`)
  const playbook = execution.definition as Playbook
  const incident = await getIncidentOrThrow(deps.db, execution.incidentId)
  if (execution.slackChannel && execution.slackTs) {
    const run = await playbookRunView(deps, execution, playbook, { ...execution.inputs }, incident.number)
    await deps.thread.showPlaybookProgress(run, { channel: execution.slackChannel, ts: execution.slackTs })
  }
  for (const approval of await listApprovalRequestsForExecution(deps.db, execution.id)) await showApproval(deps, approval)
  await refreshIncidentRoot(deps, incident.id, { playbookTitle: playbook.title, executionStatus: 'cancelled' })
}
