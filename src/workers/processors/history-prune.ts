import { DAY_MS } from '../../core/durations'
import { pruneLogHistory } from '../../storage/repositories/log-templates'
import type { WorkerDeps } from '../worker-deps'

/**
 * Deletes log statistics older than LOG_TEMPLATE_RETENTION_DAYS for every service, those no longer
 * analysed (renamed, retired) included. Analyses only write (and ignore older rows when they read),
 * so this job is what keeps the tables bounded.
 */
export async function processHistoryPrune(deps: Pick<WorkerDeps, 'db' | 'config' | 'logger' | 'now'>): Promise<void> {
  const before = new Date(deps.now().getTime() - deps.config.LOG_TEMPLATE_RETENTION_DAYS * DAY_MS)
  const { services } = await pruneLogHistory(deps.db, before)
  deps.logger.info({ services, before: before.toISOString() }, 'log history pruned')
}
