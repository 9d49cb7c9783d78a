import type { PlaybookRunView, PostedMessage } from '../core/incidents/incident-thread'
import type { Playbook } from '../core/playbooks/schema'
import { getExecution, listExecutionSteps, type PlaybookExecution } from '../storage/repositories/playbooks'
import type { WorkerDeps } from './worker-deps'

/** A run as its progress message shows it: the playbook, where the run is, and each step's record. */
export async function playbookRunView(
  deps: Pick<WorkerDeps, 'db'>,
  execution: PlaybookExecution,
  playbook: Playbook,
  vars: Record<string, unknown>,
  incidentNumber: number,
): Promise<PlaybookRunView> {
  const records = await listExecutionSteps(deps.db, execution.id)
  return {
    playbook,
    execution: { id: execution.id, status: execution.status, nextStep: execution.nextStep, incidentNumber, startedBy: execution.startedBy },
    records: records.map((r) => ({ position: r.position, status: r.status, outcome: r.outcome as Record<string, unknown> })),
    vars,
  }
}

/** Shows the run as it is stored now on its progress message. */
export async function refreshProgress(
  deps: Pick<WorkerDeps, 'db' | 'thread'>,
  executionId: string,
  progress: PostedMessage,
  playbook: Playbook,
  vars: Record<string, unknown>,
  incidentNumber: number,
): Promise<void> {
  const current = (await getExecution(deps.db, executionId))!
  await deps.thread.showPlaybookProgress(await playbookRunView(deps, current, playbook, vars, incidentNumber), progress)
}
