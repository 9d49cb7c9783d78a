import { z } from 'zod'
import { PLAYBOOK_EDIT_KINDS, type PlaybookEditSuggestion } from './playbook-edit-suggestion'
import { playbookYamlDiff } from './playbook-yaml'
import { playbookSchema, type Playbook } from './schema'
import { withVersion } from './playbook-versions'

/** A suggestion as a job carries it (`playbook.propose-edit`), checked like any job payload. */
export const playbookEditSuggestionSchema = z.object({
  playbookId: z.string().min(1),
  baseVersion: z.number().int().min(1),
  kind: z.enum(PLAYBOOK_EDIT_KINDS),
  summary: z.string().trim().min(1).max(500),
  evidence: z.array(z.string().max(1000)).max(30),
  base: playbookSchema,
  edited: playbookSchema,
}) satisfies z.ZodType<PlaybookEditSuggestion>

/**
 * Who decides an edit of a playbook, and reverts it: its `owners` when it names some; otherwise the approvers policy
 * (APPROVERS), so a playbook without owners is still governed, and nobody decides when neither is set.
 */
export function playbookDeciders(playbook: Pick<Playbook, 'owners'>, approvers: string[]): { who: 'owners' | 'approvers'; ids: string[] } {
  return playbook.owners?.length ? { who: 'owners', ids: playbook.owners } : { who: 'approvers', ids: approvers }
}

export type ProposalStatus = 'pending' | 'approved' | 'rejected' | 'stale'

/** What the owners see of a proposal: the edit as a YAML diff, why, who decides, and the decision once made. */
export interface PlaybookProposalView {
  id: string
  playbookId: string
  title: string
  baseVersion: number
  kind: PlaybookEditSuggestion['kind']
  summary: string
  evidence: string[]
  /** Unified diff of the YAML of the base version and the edited one. */
  diff: string
  deciders: { who: 'owners' | 'approvers'; ids: string[] }
  decision: {
    status: ProposalStatus
    by: string | null
    reason: string | null
    /** approved: the version it became; stale: the version current when it was decided. */
    version: number | null
  }
}

/** The view of a stored proposal. */
export function playbookProposalView(
  proposal: {
    id: string
    playbookId: string
    baseVersion: number
    kind: PlaybookEditSuggestion['kind']
    summary: string
    evidence: string[]
    base: Playbook
    edited: Playbook
    status: ProposalStatus
    decidedBy: string | null
    reason: string | null
    resultingVersion: number | null
  },
  deciders: PlaybookProposalView['deciders'],
  staleVersion: number | null = null,
): PlaybookProposalView {
  return {
    id: proposal.id,
    playbookId: proposal.playbookId,
    title: proposal.base.title,
    baseVersion: proposal.baseVersion,
    kind: proposal.kind,
    summary: proposal.summary,
    evidence: proposal.evidence,
    diff: playbookYamlDiff(withVersion(proposal.base, proposal.baseVersion), proposal.edited),
    deciders,
    decision: {
      status: proposal.status,
      by: proposal.decidedBy,
      reason: proposal.reason,
      version: proposal.status === 'approved' ? proposal.resultingVersion : staleVersion,
    },
  }
}

/** A new current version, as announced under its proposal (or in reply to a revert): with a way back. */
export interface PlaybookVersionView {
  playbookId: string
  title: string
  version: number
  /** The version it replaced, which the Revert button restores. */
  previous: number
  source: 'suggestion' | 'revert'
  summary: string
  by: string
  reason: string | null
}
