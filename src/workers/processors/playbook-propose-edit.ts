import { PermanentJobError } from '../../core/errors'
import type { JobData } from '../../core/jobs/job-queue'
import { playbookDeciders, playbookProposalView } from '../../core/playbooks/playbook-proposal'
import { getCurrentPlaybook, recordPlaybookProposal, setProposalMessage } from '../../storage/repositories/playbook-versions'
import type { WorkerDeps } from '../worker-deps'

/**
 * Posts an edit suggested for a playbook to whoever decides it (its owners, else the approvers) in PLAYBOOK_CHANNEL
 * (else INCIDENT_CHANNEL). The proposal is stored once per edit of a version and posted once; a suggestion for a version
 * that is no longer current is dropped, and one already decided is not posted again.
 */
export async function processPlaybookProposeEdit(deps: WorkerDeps, data: JobData<'playbook.propose-edit'>): Promise<void> {
  const log = deps.logger.child({ playbook: data.playbookId, baseVersion: data.baseVersion, kind: data.kind })
  if (data.base.id !== data.playbookId || data.edited.id !== data.playbookId)
    throw new PermanentJobError(`the suggestion's base and edited playbooks must both be ${data.playbookId}`)
  const channel = deps.config.PLAYBOOK_CHANNEL ?? deps.config.INCIDENT_CHANNEL
  if (!channel) throw new PermanentJobError('no channel for playbook proposals: set PLAYBOOK_CHANNEL or INCIDENT_CHANNEL')
  const current = await getCurrentPlaybook(deps.db, data.playbookId)
  if (!current) throw new PermanentJobError(`there is no stored playbook ${data.playbookId}`)
  // Owners decide edits of what runs now: an edit of an older version would be stale before anyone reads it.
  if (current.version !== data.baseVersion) return log.info({ current: current.version }, 'suggestion for an older version: not proposed')
  const { proposal, created } = await recordPlaybookProposal(deps.db, data)
  if (proposal.status !== 'pending') return log.info({ proposal: proposal.id, status: proposal.status }, 'edit already decided: not proposed again')
  const view = playbookProposalView(proposal, playbookDeciders(current, deps.config.APPROVERS))
  const posted = await deps.thread.proposePlaybookEdit(view, channel)
  await setProposalMessage(deps.db, proposal.id, posted.channel, posted.ts)
  log.info({ proposal: proposal.id, created }, 'playbook edit proposed')
}
