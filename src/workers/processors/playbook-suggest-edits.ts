import { type JobData, proposeEditJobId } from '../../core/jobs/job-queue'
import { computePlaybookEffectiveness } from '../../core/playbooks/playbook-effectiveness'
import { DEFAULT_SUGGESTION_THRESHOLDS, suggestPlaybookEdits } from '../../core/playbooks/suggest-playbook-edits'
import { loadHandRunLogQueries, loadPlaybookHistory } from '../../storage/repositories/playbook-effectiveness'
import { getCurrentPlaybook, proposalDedupeKey, wasProposed } from '../../storage/repositories/playbook-versions'
import { listExecutionsForIncident } from '../../storage/repositories/playbooks'
import type { WorkerDeps } from '../worker-deps'

/**
 * After an incident's resolution is recorded (the label the figures learn from): computes the figures of each playbook
 * that ran on it and queues a proposal for each edit they suggest to its current version that was never proposed
 * (the same edit of the same version is proposed once, decided or not). Returns how many were queued.
 */
export async function processPlaybookSuggestEdits(deps: WorkerDeps, data: JobData<'playbook.suggest-edits'>): Promise<number> {
  const runs = await listExecutionsForIncident(deps.db, data.incidentId)
  // Only playbooks still loaded from files: one whose file was removed is not maintained any more.
  const ids = [...new Set(runs.map((r) => r.playbookId))].filter((id) => deps.playbooks.some((p) => p.id === id))
  let queued = 0
  for (const id of ids) {
    const current = await getCurrentPlaybook(deps.db, id)
    const history = await loadPlaybookHistory(deps.db, { playbookId: id })
    const figures = computePlaybookEffectiveness(history).find((f) => f.playbookId === id)
    if (!current || !figures) continue
    const handQueries = await loadHandRunLogQueries(deps.db, history, id, current.version)
    for (const suggestion of suggestPlaybookEdits(figures, current, DEFAULT_SUGGESTION_THRESHOLDS, handQueries)) {
      if (await wasProposed(deps.db, suggestion)) continue
      await deps.queue.enqueue('playbook.propose-edit', suggestion, { jobId: proposeEditJobId(suggestion, proposalDedupeKey(suggestion)) })
      queued++
    }
  }
  deps.logger.info({ incident: data.incidentId, playbooks: ids, queued }, 'playbook edits suggested')
  return queued
}
