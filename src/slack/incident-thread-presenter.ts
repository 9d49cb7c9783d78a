import type { AnalysisResult } from '../core/analysis/analyze-incident'
import type { RetrievalSummary } from '../core/correlation/summarize-retrieval'
import type { ApprovalRequestView } from '../core/approvals/approval-request-view'
import type { PastIncidentMatch } from '../core/correlation/past-incident-match'
import type {
  ApprovalEscalation,
  IncidentChannelCreation,
  IncidentChannelRef,
  BlueprintChangeView,
  IncidentProgress,
  IncidentThread,
  PlaybookOffer,
  PlaybookRunView,
  PostedMessage,
  RunThread,
  StepResultView,
  TelemetryWarningView,
  TestNotificationView,
  ThreadIncident,
} from '../core/incidents/incident-thread'
import type { FollowupActionView } from '../core/incidents/followup-action'
import type { Digest } from '../core/digest/compute-digest'
import type { RenderedChart } from '../core/digest/digest-chart-data'
import { buildDigestMessage } from './blocks/digest-blocks'
import type { IncidentReview } from '../core/incidents/review'
import { renderTemplate } from '../core/playbooks/render-template'
import type { Logger } from '../logger'
import {
  buildAnalysisFailedMessage,
  buildAssessmentMessage,
  buildEvidenceMessage,
  buildReasoningTrailMessages,
  buildSimilarIncidentsMessage,
} from './blocks/analysis-blocks'
import { buildAnalysisSummaryMessage } from './blocks/analysis-summary-blocks'
import { buildApprovalEscalationMessage, buildApprovalRequestMessage } from './blocks/approval-blocks'
import { escapeMrkdwn, type SlackMessage } from './blocks/block-kit'
import { buildIncidentRootMessage, buildResolvedReply, buildStormMembersMessage, buildTestNotificationMessage } from './blocks/incident-blocks'
import { buildWhatFixedItPrompt } from './blocks/resolution-blocks'
import { buildReviewMessages } from './blocks/review-blocks'
import { buildFollowupAddedMessage, buildFollowupReminderMessage } from './blocks/followup-blocks'
import {
  buildActionResultMessage,
  buildExecutionProgressMessage,
  buildManualStepMessage,
  buildNotifyMessage,
  buildPlaybookOffersMessage,
  buildRunFailedMessage,
  buildStepResultMessage,
} from './blocks/playbook-blocks'
import { buildTelemetryWarningMessage } from './blocks/telemetry-warning-blocks'
import { buildIncidentChannelLink, buildNoIncidentChannelMessage, buildPinFailedMessage, buildUninvitedMessage } from './blocks/incident-channel-blocks'
import type { SlackIncidentChannels } from './incident-channels'
import { buildBlueprintChangesMessage } from './blocks/blueprint-blocks'
import { buildPlaybookProposalMessage } from './blocks/playbook-proposal-blocks'
import type { PlaybookProposalView } from '../core/playbooks/playbook-proposal'
import { buildScaleOfferMessage } from './blocks/capacity-blocks'
import type { ScaleOffer } from '../core/capacity/scale-offer'
import { slackErrorCode, type SlackMessenger } from './messenger'

// Edits of a root message that is no longer there: the thread's work goes on without them.
const GONE_MESSAGE_ERRORS = new Set(['message_not_found', 'cant_update_message', 'channel_not_found', 'is_archived'])

/**
 * How much the thread shows. compact: one analysis message whose buttons post the evidence, the trail and
 * the similar incidents on demand, and step findings as lines of the run's progress message; full: all of it posted.
 */
export type ThreadDetail = 'compact' | 'full'

/**
 * The incident thread in Slack: Block Kit messages in the incident's thread, each posted once under
 * a stable key (so a retried job edits instead of repeating) and edited in place as things move on.
 */
export class SlackIncidentThread implements IncidentThread {
  private readonly compact: boolean

  constructor(
    private readonly slack: SlackMessenger,
    private readonly logger: Logger,
    detail: ThreadDetail = 'compact',
    private readonly channels: SlackIncidentChannels,
  ) {
    this.compact = detail === 'compact'
  }

  openThread(incident: ThreadIncident, channel: string, progress: IncidentProgress = { phase: 'new' }): Promise<PostedMessage> {
    return this.slack.postOnce(`incident:${incident.id}:root`, channel, buildIncidentRootMessage(incident, progress))
  }

  async createIncidentChannel(incident: ThreadIncident, names: string[], isPrivate: boolean): Promise<IncidentChannelCreation> {
    const outcome = await this.channels.create(names, isPrivate)
    if ('refused' in outcome) this.logger.warn({ incident: incident.id, reason: outcome.refused }, 'incident channel not created; the incident stays a thread')
    return outcome
  }

  async furnishIncidentChannel(
    incident: ThreadIncident,
    room: IncidentChannelRef,
    root: PostedMessage,
    mainChannel: string,
    invitees: string[],
  ): Promise<PostedMessage> {
    const skipped = await this.channels.invite(room.id, invitees)
    if (skipped.length > 0) {
      this.logger.warn({ incident: incident.id, channel: room.id, skipped }, 'some responders could not be invited to the incident channel')
      await this.slack.postOnce(`incident:${incident.id}:channel:uninvited`, root.channel, buildUninvitedMessage(skipped), root.ts)
    }
    const pinRefused = await this.channels.pin(root.channel, root.ts)
    if (pinRefused) await this.slack.postOnce(`incident:${incident.id}:channel:unpinned`, root.channel, buildPinFailedMessage(pinRefused), root.ts)
    return this.slack.postOnce(channelLinkKey(incident.id), mainChannel, buildIncidentChannelLink(incident, room))
  }

  async explainNoIncidentChannel(incident: ThreadIncident, root: PostedMessage, reason: string): Promise<void> {
    await this.slack.postOnce(`incident:${incident.id}:channel:refused`, root.channel, buildNoIncidentChannelMessage(reason), root.ts)
  }

  async showIncidentProgress(incident: ThreadIncident, progress: IncidentProgress): Promise<void> {
    if (!incident.slackChannel || !incident.slackTs) return
    await this.editUnlessGone(incident, incident.slackChannel, incident.slackTs, buildIncidentRootMessage(incident, progress))
    if (incident.incidentChannelId && incident.incidentChannelName) {
      const link = await this.slack.findPosted(channelLinkKey(incident.id))
      const room = { id: incident.incidentChannelId, name: incident.incidentChannelName }
      if (link) await this.editUnlessGone(incident, link.channel, link.ts, buildIncidentChannelLink(incident, room))
    }
  }

  private async editUnlessGone(incident: ThreadIncident, channel: string, ts: string, message: SlackMessage): Promise<void> {
    try {
      await this.slack.update(channel, ts, message)
    } catch (err) {
      // Someone deleted the message: the thread's work goes on rather than failing on a cosmetic edit.
      if (!GONE_MESSAGE_ERRORS.has(slackErrorCode(err))) throw err
      this.logger.warn({ incident: incident.id, channel, ts, err }, 'incident message is gone; not updated')
    }
  }

  async announceResolution(incident: ThreadIncident): Promise<void> {
    if (!incident.slackChannel || !incident.slackTs) return
    await this.slack.postOnce(`incident:${incident.id}:resolved`, incident.slackChannel, buildResolvedReply(incident), incident.slackTs)
  }

  async askWhatFixedIt(incident: ThreadIncident, ask: { reminder: boolean; mention: string | null }): Promise<void> {
    if (!incident.slackChannel || !incident.slackTs) return
    const key = `incident:${incident.id}:ask-resolution:${ask.reminder ? 'reminder' : 'resolved'}`
    await this.slack.postOnce(key, incident.slackChannel, buildWhatFixedItPrompt(incident, ask), incident.slackTs)
  }

  async postReview(incident: ThreadIncident, review: IncidentReview, version: string): Promise<void> {
    if (!incident.slackChannel || !incident.slackTs) return
    const messages = buildReviewMessages(review)
    for (const [i, message] of messages.entries()) {
      await this.slack.postOnce(`incident:${incident.id}:review:${version}:${i}`, incident.slackChannel, message, incident.slackTs)
    }
  }

  async announceFollowupAction(incident: ThreadIncident, action: FollowupActionView): Promise<void> {
    if (!incident.slackChannel || !incident.slackTs) return
    await this.slack.postOnce(`followup:${action.id}:added`, incident.slackChannel, buildFollowupAddedMessage(action), incident.slackTs)
  }

  async remindFollowupAction(incident: ThreadIncident, action: FollowupActionView, day: string): Promise<void> {
    if (!incident.slackChannel || !incident.slackTs) return
    await this.slack.postOnce(`followup:${action.id}:reminder:${day}`, incident.slackChannel, buildFollowupReminderMessage(action), incident.slackTs)
  }

  async announceTestNotification(notificationId: string, channel: string, test: TestNotificationView): Promise<void> {
    await this.slack.postOnce(`test-notification:${notificationId}`, channel, buildTestNotificationMessage(test))
  }

  async proposePlaybookEdit(proposal: PlaybookProposalView, channel: string): Promise<PostedMessage> {
    return this.slack.postOnce(`playbook-proposal:${proposal.id}`, channel, buildPlaybookProposalMessage(proposal))
  }

  async showStormMembers(parent: ThreadIncident, root: PostedMessage, page: number, members: ThreadIncident[]): Promise<void> {
    const key = `incident:${parent.id}:storm:${page}`
    const message = buildStormMembersMessage(members)
    const posted = await this.slack.findPosted(key)
    if (posted) await this.slack.update(posted.channel, posted.ts, message)
    else await this.slack.postOnce(key, root.channel, message, root.ts)
  }

  async postSimilarIncidents(analysisId: string, root: PostedMessage, matches: PastIncidentMatch[], retrieval: RetrievalSummary): Promise<void> {
    // Compact: the closest match is on the analysis message, the rest one click away.
    if (this.compact) return
    await this.slack.postOnce(`analysis:${analysisId}:similar`, root.channel, buildSimilarIncidentsMessage(matches, retrieval), root.ts)
  }

  async postAnalysis(analysisId: string, root: PostedMessage, result: AnalysisResult, incidentLabel: string): Promise<void> {
    if (this.compact) {
      await this.slack.postOnce(`analysis:${analysisId}:summary`, root.channel, buildAnalysisSummaryMessage(analysisId, result), root.ts)
      return
    }
    await this.slack.postOnce(`analysis:${analysisId}:evidence`, root.channel, buildEvidenceMessage(result), root.ts)
    await this.slack.postOnce(`analysis:${analysisId}:assessment`, root.channel, buildAssessmentMessage(result), root.ts)
    const trail = buildReasoningTrailMessages(result.steps, { title: `Reasoning trail of ${incidentLabel}` })
    for (const [i, message] of trail.entries()) await this.slack.postOnce(`analysis:${analysisId}:trail:${i}`, root.channel, message, root.ts)
  }

  async postAnalysisFailure(analysisId: string, root: PostedMessage, reason: string): Promise<void> {
    await this.slack.postOnce(`analysis:${analysisId}:failed`, root.channel, buildAnalysisFailedMessage(reason), root.ts)
  }

  async offerPlaybooks(analysisId: string, root: PostedMessage, offers: PlaybookOffer[], incidentNumber: number, started: string | null): Promise<void> {
    await this.slack.postOnce(`analysis:${analysisId}:offers`, root.channel, buildPlaybookOffersMessage(offers, incidentNumber, started), root.ts)
  }

  async offerScale(analysisId: string, root: PostedMessage, offer: ScaleOffer, incidentNumber: number): Promise<void> {
    await this.slack.postOnce(`analysis:${analysisId}:scale`, root.channel, buildScaleOfferMessage(offer, incidentNumber), root.ts)
  }

  startPlaybookProgress(run: PlaybookRunView, where: RunThread): Promise<PostedMessage> {
    return this.slack.postOnce(`execution:${run.execution.id}:progress`, where.channel, this.progressMessage(run), where.thread)
  }

  async showPlaybookProgress(run: PlaybookRunView, progress: PostedMessage): Promise<void> {
    await this.slack.update(progress.channel, progress.ts, this.progressMessage(run))
  }

  private progressMessage(run: PlaybookRunView) {
    const render = (t: string) => renderTemplate(t, run.vars)
    return buildExecutionProgressMessage(run.playbook, run.execution, run.records, run.vars, render, { findings: this.compact })
  }

  async announceRunFailure(where: RunThread, playbookTitle: string, reason: string): Promise<void> {
    await this.slack.postOnce(`execution:${where.executionId}:failed`, where.channel, buildRunFailedMessage(playbookTitle, reason), where.thread)
  }

  async postStepResult(where: RunThread, position: number, title: string, result: StepResultView): Promise<void> {
    // Compact: the finding is a line of the run's progress message, shown with its next edit.
    if (this.compact) return
    await this.slack.postOnce(stepKey(where, position), where.channel, buildStepResultMessage(title, result), where.thread)
  }

  async notify(where: RunThread, position: number, text: string, incidentNumber: number, to: string[]): Promise<void> {
    await this.slack.postOnce(stepKey(where, position), where.channel, buildNotifyMessage(text, { incidentNumber, permalink: null }), where.thread)
    // Elsewhere the message says which incident it is about; a user id as channel opens a DM.
    const away = buildNotifyMessage(text, { incidentNumber, permalink: await this.slack.permalink(where.channel, where.thread) })
    for (const recipient of to) await this.slack.postOnce(`${stepKey(where, position)}:to:${recipient}`, recipient, away)
  }

  async askManualStep(where: RunThread, position: number, title: string, instruction: string): Promise<void> {
    const message = buildManualStepMessage(title, instruction, `${where.executionId}:${position}`)
    await this.slack.postOnce(stepKey(where, position), where.channel, message, where.thread)
  }

  async postActionResult(where: RunThread, position: number, title: string, ok: boolean, detail: string): Promise<void> {
    if (this.compact) return
    await this.slack.postOnce(stepKey(where, position), where.channel, buildActionResultMessage(title, ok, detail), where.thread)
  }

  askApproval(approval: ApprovalRequestView, where: { channel: string; thread: string | undefined }): Promise<PostedMessage> {
    return this.slack.postOnce(`approval:${approval.id}`, where.channel, buildApprovalRequestMessage(approval), where.thread)
  }

  async showApproval(approval: ApprovalRequestView, message: PostedMessage): Promise<void> {
    await this.slack.update(message.channel, message.ts, buildApprovalRequestMessage(approval))
  }

  async escalateExpiredApproval(approvalId: string, root: PostedMessage, escalation: ApprovalEscalation): Promise<void> {
    await this.slack.postOnce(`approval:${approvalId}:escalation`, root.channel, buildApprovalEscalationMessage(escalation), root.ts)
  }

  postTelemetryWarning(scanId: string, channel: string, warnings: TelemetryWarningView[], cooldownMinutes: number): Promise<PostedMessage> {
    return this.slack.postOnce(telemetryWarningKey(scanId), channel, buildTelemetryWarningMessage(warnings, cooldownMinutes))
  }

  postBlueprintChanges(runId: string, channel: string, changes: BlueprintChangeView[]): Promise<PostedMessage> {
    return this.slack.postOnce(`blueprint:${runId}`, channel, buildBlueprintChangesMessage(changes))
  }

  findTelemetryWarning(scanId: string): Promise<PostedMessage | null> {
    return this.slack.findPosted(telemetryWarningKey(scanId))
  }

  postDigest(key: string, channel: string, digest: Digest): Promise<PostedMessage> {
    return this.slack.postOnce(key, channel, buildDigestMessage(digest))
  }

  uploadDigestCharts(digest: PostedMessage, charts: RenderedChart[], periodLabel: string): Promise<string[]> {
    return this.slack.uploadFiles(
      digest.channel,
      digest.ts,
      charts.map((c) => ({ file: c.png, filename: `${c.name}.png`, title: c.title, altText: c.altText })),
      `Charts of the digest ${periodLabel}`,
    )
  }

  async tellUser(channel: string, user: string, text: string): Promise<void> {
    // Workers word these from job data and error messages: nothing in them is meant as a mention or a link.
    await this.slack.ephemeral(channel, user, { text: escapeMrkdwn(text), blocks: [] })
  }
}

/** The one-line link to an incident's own channel, in the main incident channel. */
function channelLinkKey(incidentId: string): string {
  return `incident:${incidentId}:channel:link`
}

function telemetryWarningKey(scanId: string): string {
  return `telemetry-scan:${scanId}`
}

function stepKey(where: RunThread, position: number): string {
  return `execution:${where.executionId}:step:${position}`
}
