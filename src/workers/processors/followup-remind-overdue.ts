import { followupView, listOverdueFollowupActions, markFollowupActionReminded } from '../../storage/repositories/followup-actions'
import { getIncident } from '../../storage/repositories/incidents'
import type { WorkerDeps } from '../worker-deps'

const REMINDER_BATCH = 100

/**
 * Scheduled: each open follow-up action past its due day gets one reminder a day (UTC) in its incident's thread, its owner
 * mentioned. The day is claimed first (a racing worker skips it); the post is keyed by the day, so a retry repeats nothing.
 */
export async function processFollowupRemindOverdue(deps: Pick<WorkerDeps, 'db' | 'thread' | 'logger' | 'now'>): Promise<void> {
  const now = deps.now()
  const today = now.toISOString().slice(0, 10)
  const startOfDay = new Date(`${today}T00:00:00Z`)
  const overdue = await listOverdueFollowupActions(deps.db, { today, remindedBefore: startOfDay, limit: REMINDER_BATCH })
  const reminded: string[] = []
  for (const row of overdue) {
    const incident = await getIncident(deps.db, row.incidentId)
    if (!incident) continue
    await deps.thread.remindFollowupAction(incident, followupView(row, incident), today)
    if (await markFollowupActionReminded(deps.db, row.id, now, startOfDay)) reminded.push(row.id)
  }
  if (reminded.length) deps.logger.info({ actions: reminded }, 'reminded overdue follow-up actions')
}
