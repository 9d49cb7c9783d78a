import type { Config } from '../../config'
import type { Embedder } from '../../core/correlation/embedder'
import type { Playbook } from '../../core/playbooks/schema'
import type { Logger } from '../../logger'
import type { Database } from '../../storage/database'
import type { JobQueue } from '../../core/jobs/job-queue'

export interface ListenerDeps {
  db: Database
  queue: JobQueue
  config: Pick<Config, 'APPROVERS' | 'CONFIDENCE_THRESHOLD'>
  logger: Logger
  playbooks: Playbook[]
  /** The configured embedder, so `/sre similar` searches like the analysis does. */
  embedder?: Embedder
  now(): Date
}
