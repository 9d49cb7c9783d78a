import type { AnalysisResult } from '../analysis/analyze-incident'
import type { RetrievalSummary } from '../correlation/summarize-retrieval'
import type { MetricWarning } from '../analysis/scan/metric-warnings'
import type { ApprovalRequestView } from '../approvals/approval-request-view'
import type { PastIncidentMatch } from '../correlation/past-incident-match'
import type { PlaybookProposalView } from '../playbooks/playbook-proposal'
import type { Playbook } from '../playbooks/schema'
import type { Digest } from '../digest/compute-digest'
import type { RenderedChart } from '../digest/digest-chart-data'
import type { FollowupActionView } from './followup-action'
import type { IncidentReview } from './review'
import type { ResponseStage } from './response-stage'
import type { AlertLink } from './types'
import type { ScaleOffer } from '../capacity/scale-offer'

/**
 * The port through which the workers tell people what happened: they say WHAT to show (an analysis,
 * a step's result, an approval to decide); the implementation (Slack) decides how it looks and which
 * messages it takes. Every post is made once per subject, so a retried job updates rather than repeats.
 */
export interface IncidentThread {
  /** Posts the incident's root message in `channel`, once, showing `progress` (default: just opened); the thread hangs under it. */
  openThread(incident: ThreadIncident, channel: string, progress?: IncidentProgress): Promise<PostedMessage>
  /**
   * INCIDENT_CHANNEL_MODE=channel: creates the incident's own channel under the first of `names` Slack does not
   * say is taken; a refusal (scope, restrictions, every name taken) is returned as the reason, not thrown.
   */
  createIncidentChannel(incident: ThreadIncident, names: string[], isPrivate: boolean): Promise<IncidentChannelCreation>
  /**
   * Makes the incident's channel ready once its root message is in it: invites `invitees` (user-group ids expanded;
   * those who cannot be invited are named in the thread), pins the root, and posts the one-line link to it in
   * `mainChannel` once. Returns the link message, which showIncidentProgress keeps up to date.
   */
  furnishIncidentChannel(
    incident: ThreadIncident,
    room: IncidentChannelRef,
    root: PostedMessage,
    mainChannel: string,
    invitees: string[],
  ): Promise<PostedMessage>
  /** Says once in the thread why the incident has no channel of its own. */
  explainNoIncidentChannel(incident: ThreadIncident, root: PostedMessage, reason: string): Promise<void>
  /** Shows the incident's state on its root message (and on its channel's link line); a message someone deleted is left alone. */
  showIncidentProgress(incident: ThreadIncident, progress: IncidentProgress): Promise<void>
  announceResolution(incident: ThreadIncident): Promise<void>
  /**
   * Asks, in the thread, what fixed an incident that ended with nothing recorded: once when its alert closes,
   * and once more as the reminder; `mention` is the commander (or whoever else should answer), if known.
   */
  askWhatFixedIt(incident: ThreadIncident, ask: { reminder: boolean; mention: string | null }): Promise<void>
  /** Posts the post-incident review draft in the incident's thread, once per `version`, in as many messages as it takes. */
  postReview(incident: ThreadIncident, review: IncidentReview, version: string): Promise<void>
  /** Says in the incident's thread that a follow-up action was added (once per action). */
  announceFollowupAction(incident: ThreadIncident, action: FollowupActionView): Promise<void>
  /** Reminds the owner of an overdue follow-up action in the incident's thread, once per `day` (YYYY-MM-DD). */
  remindFollowupAction(incident: ThreadIncident, action: FollowupActionView, day: string): Promise<void>
  /** A sender's test notification arrived; said once per notification, in `channel`, never as an incident. */
  announceTestNotification(notificationId: string, channel: string, test: TestNotificationView): Promise<void>
  /**
   * Posts an edit proposed for a playbook in `channel`, once per proposal, mentioning who decides, with its YAML diff,
   * its evidence and Approve / Reject buttons.
   */
  proposePlaybookEdit(proposal: PlaybookProposalView, channel: string): Promise<PostedMessage>
  /**
   * Shows page `page` of a storm's members (the incidents that get one line each in the first incident's thread,
   * instead of a thread of their own): posts it once, then edits it as members join.
   */
  showStormMembers(parent: ThreadIncident, root: PostedMessage, page: number, members: ThreadIncident[]): Promise<void>

  postSimilarIncidents(analysisId: string, root: PostedMessage, matches: PastIncidentMatch[], retrieval: RetrievalSummary): Promise<void>
  postAnalysis(analysisId: string, root: PostedMessage, result: AnalysisResult, incidentLabel: string): Promise<void>
  postAnalysisFailure(analysisId: string, root: PostedMessage, reason: string): Promise<void>
  /** Playbooks that apply, each to be started by a person; `started` names the one already running, if any. */
  offerPlaybooks(analysisId: string, root: PostedMessage, offers: PlaybookOffer[], incidentNumber: number, started: string | null): Promise<void>
  /** The capacity suggestion of a saturation analysis, with a Scale button; posted once per analysis. */
  offerScale(analysisId: string, root: PostedMessage, offer: ScaleOffer, incidentNumber: number): Promise<void>

  /** Posts the run's progress once (a retry finds it); showPlaybookProgress edits it afterwards. */
  startPlaybookProgress(run: PlaybookRunView, where: RunThread): Promise<PostedMessage>
  showPlaybookProgress(run: PlaybookRunView, progress: PostedMessage): Promise<void>
  /** The run stopped on an error nobody can retry away; says why. */
  announceRunFailure(where: RunThread, playbookTitle: string, reason: string): Promise<void>
  postStepResult(where: RunThread, position: number, title: string, result: StepResultView): Promise<void>
  /** A notify step: in the thread, and to each of `to` (channels or users) with a link back to the thread. */
  notify(where: RunThread, position: number, text: string, incidentNumber: number, to: string[]): Promise<void>
  askManualStep(where: RunThread, position: number, title: string, instruction: string): Promise<void>
  postActionResult(where: RunThread, position: number, title: string, ok: boolean, detail: string): Promise<void>

  /** Posts the approval request once; where it is, so decisions can be shown on it. */
  askApproval(approval: ApprovalRequestView, where: { channel: string; thread: string | undefined }): Promise<PostedMessage>
  showApproval(approval: ApprovalRequestView, message: PostedMessage): Promise<void>
  escalateExpiredApproval(approvalId: string, root: PostedMessage, escalation: ApprovalEscalation): Promise<void>

  /** One message for everything one telemetry scan warns of. */
  postTelemetryWarning(scanId: string, channel: string, warnings: TelemetryWarningView[], cooldownMinutes: number): Promise<PostedMessage>
  /** The warning message scan `scanId` posted, or null when it posted none. */
  findTelemetryWarning(scanId: string): Promise<PostedMessage | null>
  /** One message for everything one refresh of the service blueprint changed; posted once per refresh. */
  postBlueprintChanges(runId: string, channel: string, changes: BlueprintChangeView[]): Promise<PostedMessage>
  /** Posts the trend digest in `channel`, once per `key` (a period and channel). */
  postDigest(key: string, channel: string, digest: Digest): Promise<PostedMessage>
  /** Uploads the digest's charts as PNG files in its thread, in one upload; returns the files' ids in the charts' order. */
  uploadDigestCharts(digest: PostedMessage, charts: RenderedChart[], periodLabel: string): Promise<string[]>
  /** A reply only `user` sees, for a request that could not be done. */
  tellUser(channel: string, user: string, text: string): Promise<void>
}

/** An incident's own channel. */
export interface IncidentChannelRef {
  id: string
  name: string
}

export type IncidentChannelCreation = { created: IncidentChannelRef } | { refused: string }

export interface PostedMessage {
  channel: string
  ts: string
}

/** Where a playbook run's messages go: the incident's thread (or the channel when there is none). */
export interface RunThread {
  executionId: string
  channel: string
  thread: string | undefined
}

/** The incident as its thread shows it. */
export interface ThreadIncident {
  id: string
  number: number
  title: string
  /** What the alert said beyond its title (Cloud Monitoring's documentation, Alertmanager's description). */
  summary: string
  service: string | null
  severity: string
  status: 'open' | 'resolved'
  source: string
  startedAt: Date
  resolvedAt: Date | null
  alertCount: number
  url: string | null
  /** Runbook, dashboard, silence and other links the alert gave. */
  links: AlertLink[]
  slackChannel: string | null
  slackTs: string | null
  /** How many incidents of a storm joined this one's thread. */
  stormSize?: number
  /** Who recorded how it was resolved (the Resolve form), if anyone. */
  resolutionRecordedBy?: string | null
  /** The incident's own channel (INCIDENT_CHANNEL_MODE=channel), where its thread then is. */
  incidentChannelId?: string | null
  incidentChannelName?: string | null
  /** Slack user id of the incident commander, if there is one. */
  commanderId?: string | null
  acknowledgedAt?: Date | null
  /** Slack user id of whoever acknowledged it first. */
  acknowledgedBy?: string | null
  /** Where the response stands, as the latest status update says. */
  responseStage?: ResponseStage
  /** The latest status update, if any; shown on the root message. */
  latestUpdate?: StatusUpdateView | null
}

/** A status update of the team: the stage it puts the response in, what it says, who wrote it and when. */
export interface StatusUpdateView {
  stage: ResponseStage
  text: string
  /** Slack user id; null when not known. */
  by: string | null
  at: Date
}

/** A test notification: who sent it, from which alert policy (null when the body names none). */
export interface TestNotificationView {
  sender: string
  policy: string | null
}

export interface IncidentProgress {
  phase: 'new' | 'analyzing' | 'analyzed' | 'failed'
  summary?: string
  confidence?: number
  playbookTitle?: string
  executionStatus?: string
}

export interface PlaybookOffer {
  id: string
  title: string
  reasons: string[]
}

export interface StepRecordView {
  position: number
  status: 'succeeded' | 'failed' | 'skipped' | 'waiting'
  outcome: Record<string, unknown>
}

export interface PlaybookRunView {
  playbook: Playbook
  execution: { id: string; status: string; nextStep: number; incidentNumber: number; startedBy: string }
  records: StepRecordView[]
  vars: Record<string, unknown>
}

/** A read-only step's result; `flagged` when it found what it looked for (a symptom, an unhealthy endpoint). */
export interface StepResultView {
  flagged: boolean
  summary: string
  detail: string
  link: string | null
}

export interface ApprovalEscalation {
  /** What was waiting for a decision. */
  actionPreview: string
  /** User and user-group ids to page; none when nobody is configured. */
  contacts: string[]
  /** How to start the run again, when the playbook is known. */
  restart: { playbookId: string; incidentLabel: string } | null
}

export interface TelemetryWarningView {
  warning: MetricWarning
  /** The provider's chart of the series, over the points the warning was read from; null when the provider has no console. */
  consoleLink: string | null
}

/** One line of a blueprint change notice: what kind of change, and the sentence that says it (plain text). */
export interface BlueprintChangeView {
  kind: 'added' | 'back' | 'stopped' | 'declared_unobserved'
  line: string
}
