import type { AnalysisResult } from '../analysis/analyze-incident'
import type { RetrievalSummary } from '../correlation/summarize-retrieval'
import type { MetricWarning } from '../analysis/scan/metric-warnings'
import type { ApprovalRequestView } from '../approvals/approval-request-view'
import type { PastIncidentMatch } from '../correlation/past-incident-match'
import type { Playbook } from '../playbooks/schema'
import type { AlertLink } from './types'

/**
 * The port through which the workers tell people what happened: they say WHAT to show (an analysis,
 * a step's result, an approval to decide); the implementation (Slack) decides how it looks and which
 * messages it takes. Every post is made once per subject, so a retried job updates rather than repeats.
 */
export interface IncidentThread {
  /** Posts the incident's root message in `channel`, once; the thread hangs under it. */
  openThread(incident: ThreadIncident, channel: string): Promise<PostedMessage>
  /** Shows the incident's state on its root message; a root message someone deleted is left alone. */
  showIncidentProgress(incident: ThreadIncident, progress: IncidentProgress): Promise<void>
  announceResolution(incident: ThreadIncident): Promise<void>
  /** A sender's test notification arrived; said once per notification, in `channel`, never as an incident. */
  announceTestNotification(notificationId: string, channel: string, test: TestNotificationView): Promise<void>
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
  /** A reply only `user` sees, for a request that could not be done. */
  tellUser(channel: string, user: string, text: string): Promise<void>
}

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
