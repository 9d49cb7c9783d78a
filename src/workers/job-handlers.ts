import { withFinalFailure } from './final-failure'
import type { JobHandlers } from './jobs'
import { processApprovalApplyDecision } from './processors/approval-apply-decision'
import { processApprovalExpire } from './processors/approval-expire'
import { processBlueprintRefresh } from './processors/blueprint-refresh'
import { processHistoryPrune } from './processors/history-prune'
import { processHomeRefresh } from './processors/home-refresh'
import { processHistoryReembed } from './processors/history-reembed'
import { processIncidentAnalyze } from './processors/incident-analyze'
import { processIncidentAnnounceResolution } from './processors/incident-announce-resolution'
import { processFollowupAnnounce } from './processors/followup-announce'
import { processFollowupRemindOverdue } from './processors/followup-remind-overdue'
import { processIncidentDraftReview } from './processors/incident-draft-review'
import { processIncidentShowStorm } from './processors/incident-show-storm'
import { processIncidentDeclare } from './processors/incident-declare'
import { processIncidentRefreshRoot } from './processors/incident-refresh-root'
import { processIncidentOpenAndAnalyze } from './processors/incident-open-and-analyze'
import { failPlaybookRun, processPlaybookAdvance } from './processors/playbook-advance'
import { processPlaybookShowCancellation } from './processors/playbook-show-cancellation'
import { processPlaybookStart } from './processors/playbook-start'
import { processPlaybookProposeEdit } from './processors/playbook-propose-edit'
import { processPlaybookSuggestEdits } from './processors/playbook-suggest-edits'
import { processTelemetryScan } from './processors/telemetry-scan'
import { processIncidentRequeueMissed } from './processors/incident-requeue-missed'
import { processIncidentRemindResolutions } from './processors/incident-remind-resolutions'
import { processDigestPost } from './processors/digest-post'
import { processTestNotificationAnnounce } from './processors/test-notification-announce'
import { processWarningsScore } from './processors/warnings-score'
import type { WorkerDeps } from './worker-deps'

/** The job handlers, shared by the BullMQ workers and the embedded in-process queue. */
export function createJobHandlers(deps: WorkerDeps): JobHandlers {
  return {
    'incident.analyze': (data) => processIncidentAnalyze(deps, data),
    'incident.announce-resolution': (data) => processIncidentAnnounceResolution(deps, data),
    'incident.draft-review': (data) => processIncidentDraftReview(deps, data),
    'incident.open-and-analyze': (data) => processIncidentOpenAndAnalyze(deps, data),
    'test-notification.announce': (data) => processTestNotificationAnnounce(deps, data),
    'incident.show-storm': (data) => processIncidentShowStorm(deps, data),
    'incident.declare': (data) => processIncidentDeclare(deps, data),
    'incident.refresh-root': (data) => processIncidentRefreshRoot(deps, data),
    'playbook.advance': withFinalFailure(
      (data, meta) => processPlaybookAdvance(deps, data, meta),
      (data, reason) => failPlaybookRun(deps, data, reason),
      deps.logger,
    ),
    'approval.apply-decision': (data) => processApprovalApplyDecision(deps, data),
    'approval.expire': (data) => processApprovalExpire(deps, data),
    'playbook.show-cancellation': (data) => processPlaybookShowCancellation(deps, data),
    'playbook.start': withFinalFailure(
      (data) => processPlaybookStart(deps, data),
      (data, reason) => deps.thread.tellUser(data.channelId, data.userId, `Could not start \`${data.playbookId}\` on INC-${data.incidentNumber}: ${reason}`),
      deps.logger,
    ),
    'playbook.propose-edit': (data) => processPlaybookProposeEdit(deps, data),
    'playbook.suggest-edits': async (data) => {
      await processPlaybookSuggestEdits(deps, data)
    },
    'history.reembed': async (data) => {
      await processHistoryReembed(deps, data)
    },
    'telemetry.scan': (_data, meta) => processTelemetryScan(deps, meta),
    'warnings.score': (_data, meta) => processWarningsScore(deps, meta),
    'history.prune': () => processHistoryPrune(deps),
    'home.refresh': (_data, meta) => processHomeRefresh(deps, meta),
    'blueprint.refresh': (_data, meta) => processBlueprintRefresh(deps, meta),
    'incident.requeue-missed': () => processIncidentRequeueMissed(deps),
    'incident.remind-resolutions': () => processIncidentRemindResolutions(deps),
    'followup.announce': (data) => processFollowupAnnounce(deps, data),
    'followup.remind-overdue': () => processFollowupRemindOverdue(deps),
    'digest.post': withFinalFailure(
      (data, meta) => processDigestPost(deps, data, meta),
      async (data, reason) => {
        if (data.requestedBy && data.channel) await deps.thread.tellUser(data.channel, data.requestedBy, `Could not post the digest: ${reason}`)
      },
      deps.logger,
    ),
  }
}
