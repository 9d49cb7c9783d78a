import type { Config } from '../../config'
import type { Embedder } from '../../core/correlation/embedder'
import type { Playbook } from '../../core/playbooks/schema'
import type { Logger } from '../../logger'
import type { Database } from '../../storage/database'
import type { JobQueue } from '../../core/jobs/job-queue'
import type { TelemetryPort } from '../../core/telemetry/port'
import type { CapacitySettingsPort } from '../../core/capacity/capacity-settings'

export interface ListenerDeps {
  db: Database
  queue: JobQueue
  config: Pick<Config, 'APPROVERS' | 'CONFIDENCE_THRESHOLD'> &
    Partial<Pick<Config, 'TIMELINE_REACTION' | 'DIGEST_TIMEZONE' | 'HOME_REFRESH_MIN_SECONDS' | 'HOME_ACTIVE_MINUTES'>>
  logger: Logger
  playbooks: Playbook[]
  /** The configured embedder, so `/sre similar` searches like the analysis does. */
  embedder?: Embedder
  /** Where the timeline reads the deploys around an incident; without it the timeline shows only what is stored. */
  telemetry?: Pick<TelemetryPort, 'changeEvents'>
  /** Where `/sre capacity` reads utilisation history and the workload's settings; without it the command says it is not set up. */
  capacity?: { telemetry: Pick<TelemetryPort, 'metrics'>; settings: CapacitySettingsPort }
  now(): Date
}
