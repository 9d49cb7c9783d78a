import { z } from 'zod'
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt'
import { appendAudit } from '../../../storage/repositories/audit'
import { approvePlaybookProposal, getCurrentPlaybook, getPlaybookProposal } from '../../../storage/repositories/playbook-versions'
import { buildPlaybookVersionMessage, PROPOSAL_REASON_BLOCK, PROPOSAL_REASON_MAX_CHARS } from '../../blocks/playbook-proposal-blocks'
import { alreadyDecided } from '../actions/playbook-proposal-action'
import type { ListenerDeps } from '../listener-deps'
import { refusePlaybookDecider, showProposalDecision } from '../playbook-decisions'
import { fieldErrors } from './field-errors'

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs

const metadataSchema = z.object({ proposalId: z.uuid(), channel: z.string().nullish(), messageTs: z.string().nullish() })

const stateSchema = z.object({
  [PROPOSAL_REASON_BLOCK]: z.object({ [PROPOSAL_REASON_BLOCK]: z.object({ value: z.string().nullish() }) }).optional(),
})

const answersSchema = z.object({
  [PROPOSAL_REASON_BLOCK]: z
    .string()
    .trim()
    .min(1, 'Say why you approve it: it is kept with the version.')
    .max(PROPOSAL_REASON_MAX_CHARS, `Keep it under ${PROPOSAL_REASON_MAX_CHARS} characters.`),
})

/**
 * The approval form's submit: the edit becomes a new version, current at once, if the version it was made from is still
 * current; otherwise it is marked stale and the approver is told. Submitted twice (a retry), it is applied once.
 */
export function createPlaybookApproveSubmissionHandler(deps: ListenerDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const { proposalId, channel } = metadataSchema.parse(JSON.parse(view.private_metadata || '{}'))
    const state = stateSchema.parse(view.state.values)
    const parsed = answersSchema.safeParse({ [PROPOSAL_REASON_BLOCK]: state.reason?.reason.value ?? '' })
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(parsed.error) })
      return
    }
    const userId = body.user.id
    const proposal = await getPlaybookProposal(deps.db, proposalId)
    if (!proposal) {
      await ack({ response_action: 'errors', errors: { [PROPOSAL_REASON_BLOCK]: 'This proposal no longer exists.' } })
      return
    }
    const refusal = await refusePlaybookDecider(deps, client, userId, (await getCurrentPlaybook(deps.db, proposal.playbookId)) ?? proposal.base)
    if (refusal) {
      await ack({ response_action: 'errors', errors: { [PROPOSAL_REASON_BLOCK]: refusal.replace(/^:no_entry: /, '') } })
      return
    }
    await ack()
    const tell = async (text: string) => {
      if (channel) await client.chat.postEphemeral({ channel, user: userId, text })
    }
    const outcome = await approvePlaybookProposal(deps.db, { proposalId, userId, reason: parsed.data.reason, now: deps.now() })
    switch (outcome.kind) {
      case 'not_found':
        return tell(':warning: This proposal no longer exists.')
      case 'already_decided':
        return tell(alreadyDecided(outcome.proposal))
      case 'stale':
        await showProposalDecision(deps, client, outcome.proposal, outcome.currentVersion)
        return tell(
          `:hourglass: Stale: \`${proposal.playbookId}\` changed since this edit was proposed (v${proposal.baseVersion} → v${outcome.currentVersion}); ` +
            'it was not applied.',
        )
      case 'approved': {
        const { version } = outcome
        await appendAudit(deps.db, {
          actor: userId,
          action: 'playbook.edit_approved',
          subjectType: 'playbook_proposal',
          subjectId: proposalId,
          details: { playbook: proposal.playbookId, baseVersion: proposal.baseVersion, version: version.version, reason: parsed.data.reason },
          slackChannel: outcome.proposal.slackChannel,
          slackTs: outcome.proposal.slackTs,
        })
        await showProposalDecision(deps, client, outcome.proposal)
        const message = buildPlaybookVersionMessage({
          playbookId: proposal.playbookId,
          title: version.definition.title,
          version: version.version,
          previous: proposal.baseVersion,
          source: 'suggestion',
          summary: version.summary,
          by: userId,
          reason: parsed.data.reason,
        })
        const where = outcome.proposal.slackChannel ?? channel
        if (where) await client.chat.postMessage({ channel: where, thread_ts: outcome.proposal.slackTs ?? undefined, ...message })
      }
    }
  }
}
