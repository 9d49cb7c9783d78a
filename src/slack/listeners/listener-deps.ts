import type { Config } from '../../config'
import type { Embedder } from '../../core/correlation/embedder'
import type { Playbook } from '../../core/playbooks/schema'
import type { Logger } from '../../logger'
import type { Database } from '../../storage/database'
import type { JobQueue } from '../../core/jobs/job-queue'
import type { TelemetryPort } from '../../core/telemetry/port'

export interface ListenerDeps {
  db: Database
  queue: JobQueue
  config: Pick<Config, 'APPROVERS' | 'CONFIDENCE_THRESHOLD'> & Partial<Pick<Config, 'TIMELINE_REACTION'>>
  logger: Logger
  playbooks: Playbook[]
  /** The configured embedder, so `/sre similar` searches like the analysis does. */
  embedder?: Embedder
  /** Where the timeline reads the deploys around an incident; without it the timeline shows only what is stored. */
  telemetry?: Pick<TelemetryPort, 'changeEvents'>
  now(): Date
}
