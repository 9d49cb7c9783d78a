import { PermanentJobError } from '../../core/errors'
import type { JobData } from '../../core/jobs/job-queue'
import { followupView, getFollowupAction, setFollowupActionExternalUrl } from '../../storage/repositories/followup-actions'
import { getIncident } from '../../storage/repositories/incidents'
import { requestHomeRefresh } from '../../storage/repositories/home-viewers'
import type { WorkerDeps } from '../worker-deps'

/** The idempotency key of an action's webhook call: the same on every attempt. */
export function followupIdempotencyKey(actionId: string): string {
  return `followup-${actionId}`
}

/**
 * A follow-up action was added: files it with FOLLOWUP_WEBHOOK_URL (once: a retry sends the same idempotency key, and an action
 * that already has its issue's link is not sent again), keeps the returned link, then says so in the thread, once.
 */
export async function processFollowupAnnounce(
  deps: Pick<WorkerDeps, 'db' | 'thread' | 'followups' | 'logger' | 'queue' | 'config' | 'now'>,
  data: JobData<'followup.announce'>,
): Promise<void> {
  let action = await getFollowupAction(deps.db, data.actionId)
  if (!action) throw new PermanentJobError(`follow-up action ${data.actionId} does not exist`)
  const incident = await getIncident(deps.db, action.incidentId)
  if (!incident) throw new PermanentJobError(`incident ${action.incidentId} does not exist`)
  if (deps.followups && !action.externalUrl) {
    const filed = await deps.followups.file(
      {
        title: `INC-${incident.number} follow-up: ${action.text.split('\n')[0]!.slice(0, 200)}`,
        description: action.text,
        owner: action.owner,
        due: action.dueOn,
        incident: {
          number: incident.number,
          title: incident.title,
          link: incident.url,
          slack: incident.slackChannel && incident.slackTs ? { channel: incident.slackChannel, ts: incident.slackTs } : null,
        },
      },
      followupIdempotencyKey(action.id),
    )
    if (filed.url) {
      await setFollowupActionExternalUrl(deps.db, action.id, filed.url)
      action = { ...action, externalUrl: filed.url }
    }
  }
  await deps.thread.announceFollowupAction(incident, followupView(action, incident))
  await requestHomeRefresh(deps)
}
