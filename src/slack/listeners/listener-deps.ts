import type { Config } from '../../config'
import type { Playbook } from '../../core/playbooks/schema'
import type { Logger } from '../../logger'
import type { Database } from '../../storage/database'
import type { JobQueue } from '../../workers/jobs'

export interface ListenerDeps {
  db: Database
  queue: JobQueue
  config: Pick<Config, 'APPROVERS'>
  logger: Logger
  playbooks: Playbook[]
  now(): Date
}
