import type { App } from '@slack/bolt'
import { ANALYSIS_SECTION_ACTION_ID } from '../blocks/analysis-summary-blocks'
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../blocks/approval-blocks'
import { RESOLVE_ACTION_ID, RESOLVE_VIEW_CALLBACK_ID } from '../blocks/resolution-blocks'
import { ACKNOWLEDGE_ACTION_ID, SEVERITY_ACTION_ID, TIMELINE_ACTION_ID, UPDATE_ACTION_ID } from '../blocks/incident-action-ids'
import { DECLARE_VIEW_CALLBACK_ID, UPDATE_VIEW_CALLBACK_ID } from '../blocks/lifecycle-blocks'
import { CANCEL_EXECUTION_ACTION_ID, MANUAL_DONE_ACTION_ID, RUN_PLAYBOOK_ACTION_ID } from '../blocks/playbook-blocks'
import { createAnalysisSectionHandler, whatSectionButtonDoes } from './actions/analysis-section-action'
import { createApprovalActionHandler } from './actions/approval-action'
import { createCancelExecutionHandler } from './actions/cancel-execution-action'
import { createManualDoneHandler } from './actions/manual-done-action'
import { createAcknowledgeActionHandler } from './actions/acknowledge-action'
import { createResolveActionHandler } from './actions/resolve-action'
import { createSeverityActionHandler } from './actions/severity-action'
import { createUpdateActionHandler } from './actions/update-action'
import { createRunPlaybookActionHandler } from './actions/run-playbook-action'
import { createTimelineActionHandler } from './actions/timeline-action'
import { createFollowupAddHandler } from './actions/followup-add-action'
import { createFollowupDoneHandler } from './actions/followup-done-action'
import { createWarningMarkHandler } from './actions/warning-mark-action'
import { WARNING_NOT_USEFUL_ACTION_ID, WARNING_USEFUL_ACTION_ID } from '../blocks/telemetry-warning-blocks'
import { answerFailures } from './answer-failures'
import { createSreCommandHandler, whatSreCommandDoes } from './commands/sre-command'
import { createAppHomeOpenedHandler, showHomeFailure } from './events/app-home-opened'
import { createAppMentionHandler, whatMentionAsks } from './events/app-mention'
import { createReactionAddedHandler, tellReactor } from './events/reaction-added'
import type { ListenerDeps } from './listener-deps'
import { createDeclareSubmissionHandler } from './views/declare-submission'
import { createResolveSubmissionHandler, tellResolveSubmitter } from './views/resolve-submission'
import { createStatusUpdateSubmissionHandler } from './views/status-update-submission'
import { tellViewSubmitter } from './views/tell-view-submitter'
import { createFollowupSubmissionHandler } from './views/followup-submission'
import { FOLLOWUP_ADD_ACTION_ID, FOLLOWUP_DONE_ACTION_ID, FOLLOWUP_VIEW_CALLBACK_ID, REVIEW_FILE_ACTION_ID } from '../blocks/followup-blocks'
import { createReviewFileHandler } from './actions/review-file-action'
import {
  PLAYBOOK_REVERT_ACTION_ID,
  PROPOSAL_APPROVE_ACTION_ID,
  PROPOSAL_APPROVE_VIEW_CALLBACK_ID,
  PROPOSAL_REJECT_ACTION_ID,
} from '../blocks/playbook-proposal-blocks'
import { createPlaybookProposalActionHandler } from './actions/playbook-proposal-action'
import { createPlaybookRevertHandler } from './actions/playbook-revert-action'
import { createPlaybookApproveSubmissionHandler } from './views/playbook-approve-submission'
import { HOME_LINK_ACTION_ID } from '../blocks/home-blocks'
import { acknowledgeLinkClick } from './actions/home-link-action'
import { createScaleCapacityHandler } from './actions/scale-capacity-action'
import { SCALE_ACTION_ID } from '../blocks/capacity-blocks'

/** Every listener goes through answerFailures: acked, and a failure is logged and told to the user. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  app.command(
    '/sre',
    answerFailures(deps, ({ command }) => whatSreCommandDoes(command.text), createSreCommandHandler(deps)),
  )
  app.action(APPROVE_ACTION_ID, answerFailures(deps, 'record your approval', createApprovalActionHandler(deps, 'approved')))
  app.action(REJECT_ACTION_ID, answerFailures(deps, 'record your rejection', createApprovalActionHandler(deps, 'rejected')))
  app.action(CANCEL_EXECUTION_ACTION_ID, answerFailures(deps, 'cancel the playbook run', createCancelExecutionHandler(deps)))
  app.action(MANUAL_DONE_ACTION_ID, answerFailures(deps, 'mark the step done', createManualDoneHandler(deps)))
  // One action id per offered playbook (ids must be unique within a message), all starting with the same prefix.
  app.action(new RegExp(`^${RUN_PLAYBOOK_ACTION_ID}:`), answerFailures(deps, 'start the playbook run', createRunPlaybookActionHandler(deps)))
  app.action(SCALE_ACTION_ID, answerFailures(deps, 'ask for the scale change', createScaleCapacityHandler(deps)))
  app.action(
    new RegExp(`^${ANALYSIS_SECTION_ACTION_ID}:`),
    answerFailures(deps, ({ action }) => whatSectionButtonDoes(action.action_id), createAnalysisSectionHandler(deps)),
  )
  app.action(RESOLVE_ACTION_ID, answerFailures(deps, 'open the Resolve form', createResolveActionHandler(deps)))
  app.view(RESOLVE_VIEW_CALLBACK_ID, answerFailures(deps, 'record the resolution', createResolveSubmissionHandler(deps), tellResolveSubmitter))
  // The root message's button, and the Home tab's (`incident_acknowledge:<n>`, one per incident).
  app.action(new RegExp(`^${ACKNOWLEDGE_ACTION_ID}(:|$)`), answerFailures(deps, 'record your acknowledgement', createAcknowledgeActionHandler(deps)))
  // Slack sends a click on a link button too; the link opened on its own, so the click is only acked.
  app.action(new RegExp(`^${HOME_LINK_ACTION_ID}:`), answerFailures(deps, 'open the link', acknowledgeLinkClick))
  app.action(UPDATE_ACTION_ID, answerFailures(deps, 'open the status update form', createUpdateActionHandler(deps)))
  app.action(SEVERITY_ACTION_ID, answerFailures(deps, 'change the severity', createSeverityActionHandler(deps)))
  app.view(UPDATE_VIEW_CALLBACK_ID, answerFailures(deps, 'post the status update', createStatusUpdateSubmissionHandler(deps), tellViewSubmitter))
  app.view(DECLARE_VIEW_CALLBACK_ID, answerFailures(deps, 'declare the incident', createDeclareSubmissionHandler(deps), tellViewSubmitter))
  app.event(
    'app_mention',
    answerFailures(deps, ({ event }) => whatMentionAsks(event.text), createAppMentionHandler(deps)),
  )
  app.action(REVIEW_FILE_ACTION_ID, answerFailures(deps, 'upload the review as a file', createReviewFileHandler(deps)))
  app.action(FOLLOWUP_ADD_ACTION_ID, answerFailures(deps, 'open the follow-up form', createFollowupAddHandler(deps)))
  app.action(new RegExp(`^${FOLLOWUP_DONE_ACTION_ID}:`), answerFailures(deps, 'mark the follow-up action done', createFollowupDoneHandler(deps)))
  app.view(FOLLOWUP_VIEW_CALLBACK_ID, answerFailures(deps, 'add the follow-up action', createFollowupSubmissionHandler(deps), tellViewSubmitter))
  app.action(PROPOSAL_APPROVE_ACTION_ID, answerFailures(deps, 'open the approval form', createPlaybookProposalActionHandler(deps, 'approve')))
  app.action(PROPOSAL_REJECT_ACTION_ID, answerFailures(deps, 'reject the playbook edit', createPlaybookProposalActionHandler(deps, 'reject')))
  app.view(
    PROPOSAL_APPROVE_VIEW_CALLBACK_ID,
    answerFailures(deps, 'approve the playbook edit', createPlaybookApproveSubmissionHandler(deps), tellViewSubmitter),
  )
  app.action(PLAYBOOK_REVERT_ACTION_ID, answerFailures(deps, 'revert the playbook', createPlaybookRevertHandler(deps)))
  app.action(WARNING_USEFUL_ACTION_ID, answerFailures(deps, 'mark the warning useful', createWarningMarkHandler(deps, 'useful')))
  app.action(WARNING_NOT_USEFUL_ACTION_ID, answerFailures(deps, 'mark the warning not useful', createWarningMarkHandler(deps, 'not_useful')))
  app.action(TIMELINE_ACTION_ID, answerFailures(deps, 'post the timeline', createTimelineActionHandler(deps)))
  app.event('reaction_added', answerFailures(deps, 'add the message to the timeline', createReactionAddedHandler(deps), tellReactor))
  app.event('app_home_opened', answerFailures(deps, 'show your dashboard', createAppHomeOpenedHandler(deps), showHomeFailure))
}
