import type { Config } from '../../config'
import type { Logger } from '../../logger'
import type { Database } from '../../storage/database'
import type { JobQueue } from '../../workers/jobs'

export interface ListenerDeps {
  db: Database
  queue: JobQueue
  config: Pick<Config, 'APPROVERS'>
  logger: Logger
  now(): Date
}
