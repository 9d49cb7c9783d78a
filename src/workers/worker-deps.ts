import type { FollowupTracker } from '../core/incidents/followup-action'
import type { Config } from '../config'
import type { WarningClaimsPort } from '../core/analysis/scan/warning-claims'
import type { Embedder } from '../core/correlation/embedder'
import type { Playbook } from '../core/playbooks/schema'
import type { TelemetryPort } from '../core/telemetry/port'
import type { ActionExecutor } from '../core/playbooks/action-port'
import type { EndpointProbe } from '../core/playbooks/endpoint-probe'
import type { IncidentThread } from '../core/incidents/incident-thread'
import type { HomeTab } from '../core/home/home-dashboard'
import type { Logger } from '../logger'
import type { Database, TryWithLock } from '../storage/database'
import type { JobQueue } from '../core/jobs/job-queue'
import type { DigestChartData, RenderedChart } from '../core/digest/digest-chart-data'
import type { CapacitySettingsPort } from '../core/capacity/capacity-settings'

/** Everything a job handler may touch; built once per process by the runtime. */
export interface WorkerDeps {
  db: Database
  /** Mutual exclusion across workers (a playbook run advances on one worker at a time). */
  tryWithLock: TryWithLock
  queue: JobQueue
  /** What people are shown: the incident's thread and the messages in it. */
  thread: IncidentThread
  /** Each person's App Home dashboard. */
  home: HomeTab
  telemetry: TelemetryPort
  /** Who may post a proactive telemetry warning now (Redis across workers, memory in embedded mode). */
  warningClaims: WarningClaimsPort
  embedder: Embedder
  playbooks: Playbook[]
  actions: ActionExecutor
  /** Where follow-up actions are also filed (FOLLOWUP_WEBHOOK_URL); null when nowhere. */
  followups?: FollowupTracker | null
  /** Reaches the endpoints playbook `check` steps probe. */
  probe: EndpointProbe
  /** What workloads are given (Deployment, HPA), for the capacity line of a saturation analysis; without it the line is left out. */
  capacitySettings?: CapacitySettingsPort
  /**
   * What the digest's capacity section sizes against: the same sources, else the telemetry's own (the synthetic
   * fleet declares its workloads); without it the digest has no capacity section.
   */
  digestCapacitySettings?: CapacitySettingsPort
  /** Draws the digest's charts as PNGs; without it the digest is posted without charts. */
  renderDigestCharts?: (data: DigestChartData) => Promise<RenderedChart[]>
  config: Pick<
    Config,
    | 'INCIDENT_CHANNEL'
    | 'INCIDENT_CHANNEL_MODE'
    | 'INCIDENT_CHANNEL_MIN_SEVERITY'
    | 'INCIDENT_RESPONDERS'
    | 'INCIDENT_CHANNEL_PREFIX'
    | 'INCIDENT_CHANNEL_PRIVATE'
    | 'APPROVERS'
    | 'CONFIDENCE_THRESHOLD'
    | 'APPROVAL_TTL_MINUTES'
    | 'AUTOMATION_WEBHOOK_URL'
    | 'ESCALATION_CONTACTS'
    | 'AUTO_APPROVE_MAX_RISK'
    | 'AUTO_APPROVE_MIN_CONFIDENCE'
    | 'LOG_TEMPLATE_RETENTION_DAYS'
    | 'LOG_TEMPLATES_PER_SERVICE'
    | 'TELEMETRY_SCAN_INTERVAL_MINUTES'
    | 'TELEMETRY_WARNING_COOLDOWN_MINUTES'
    | 'TELEMETRY_FORECAST_HORIZON_MINUTES'
    | 'TELEMETRY_WARNING_CHANNEL'
    | 'PLAYBOOK_CHANNEL'
    | 'STORM_THRESHOLD'
    | 'STORM_WINDOW_MINUTES'
    | 'STORM_SETTLE_SECONDS'
    | 'RESOLUTION_REMINDER_HOURS'
    | 'BLUEPRINT_INTERVAL_MINUTES'
    | 'BLUEPRINT_EDGE_TTL_DAYS'
    | 'BLUEPRINT_CHANNEL'
    | 'HOME_REFRESH_MIN_SECONDS'
    | 'HOME_ACTIVE_MINUTES'
    | 'HOME_PUBLISHES_PER_MINUTE'
    | 'DIGEST_CHANNEL'
    | 'DIGEST_TIMEZONE'
  >
  logger: Logger
  now(): Date
}
