import { DAY_MS, HOUR_MS } from '../../core/durations'
import { listIncidentsOwedReminder, markResolutionReminded } from '../../storage/repositories/incident-resolutions'
import type { WorkerDeps } from '../worker-deps'
import { whoShouldAnswer } from './incident-announce-resolution'

/** Incidents resolved longer ago than this are not reminded (a deployment that turns reminders on does not post a backlog). */
export const REMINDER_LOOKBACK_MS = 7 * DAY_MS
const REMINDER_BATCH = 100

/**
 * Scheduled: an incident its alert resolved RESOLUTION_REMINDER_HOURS ago with no recorded resolution gets one reminder
 * in its thread, then stays "resolution not recorded". The post is made once per incident (a retried or racing job finds
 * it), and the mark comes after the post, so a crash between them repeats nothing and loses nothing.
 */
export async function processIncidentRemindResolutions(deps: Pick<WorkerDeps, 'db' | 'thread' | 'config' | 'logger' | 'now'>): Promise<void> {
  const hours = deps.config.RESOLUTION_REMINDER_HOURS
  if (hours <= 0) return
  const now = deps.now()
  const before = new Date(now.getTime() - hours * HOUR_MS)
  const owed = await listIncidentsOwedReminder(deps.db, { since: new Date(before.getTime() - REMINDER_LOOKBACK_MS), before, limit: REMINDER_BATCH })
  for (const incident of owed) {
    await deps.thread.askWhatFixedIt(incident, { reminder: true, mention: whoShouldAnswer(incident) })
    await markResolutionReminded(deps.db, incident.id, now)
  }
  if (owed.length) deps.logger.info({ incidents: owed.map((i) => i.number) }, 'reminded the resolution of incidents closed by their alert')
}
