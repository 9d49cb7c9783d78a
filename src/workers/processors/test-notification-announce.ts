import { PermanentJobError } from '../../core/errors'
import type { JobData } from '../../core/jobs/job-queue'
import type { WorkerDeps } from '../worker-deps'

/** Says in the incident channel that a sender's test notification arrived, so its setup can be trusted. */
export async function processTestNotificationAnnounce(deps: WorkerDeps, data: JobData<'test-notification.announce'>): Promise<void> {
  const channel = deps.config.INCIDENT_CHANNEL
  if (!channel) throw new PermanentJobError('no channel for the test notification: set INCIDENT_CHANNEL')
  await deps.thread.announceTestNotification(data.notificationId, channel, { sender: data.sender, policy: data.policy })
}
