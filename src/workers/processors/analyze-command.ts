import { randomUUID } from 'node:crypto'
import { appendAudit } from '../../storage/repositories/audit'
import { createIncident, listKnownServices } from '../../storage/repositories/incidents'
import { jobIdFor, type JobData } from '../jobs'
import type { WorkerDeps } from '../worker-deps'

/**
 * Picks the service named in free text: the first known service mentioned, else
 * the first word when it looks like a service name (the documented usage is
 * `/sre analyze <service> <symptoms>`).
 */
export function serviceFromText(text: string, known: string[]): string | null {
  const words = text.toLowerCase().split(/[^a-z0-9-]+/).filter(Boolean)
  const mentioned = words.find((w) => known.includes(w))
  if (mentioned) return mentioned
  const first = words[0]
  return first && /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(first) ? first : null
}

/** `/sre analyze <text>`: opens an incident in the channel it was asked in, then analyses it. */
export async function processAnalyzeCommand(deps: WorkerDeps, data: JobData<'command.analyze'>): Promise<void> {
  const fromTelemetry = (await deps.telemetry.services().catch(() => [])).map((s) => s.name)
  const known = [...fromTelemetry, ...(await listKnownServices(deps.db))]
  const service = serviceFromText(data.text, known)
  const incident = await createIncident(deps.db, {
    fingerprint: `slack:${randomUUID()}`,
    source: 'slack',
    title: data.text.slice(0, 200),
    summary: data.text,
    service,
    severity: 'high',
    startedAt: new Date(data.requestedAt),
    slackChannel: data.channelId,
    createdBy: data.userId,
  })
  await appendAudit(deps.db, { actor: data.userId, action: 'incident.opened', incidentId: incident.id, subjectType: 'incident', subjectId: incident.id, details: { via: '/sre analyze', text: data.text }, slackChannel: data.channelId })
  await deps.queue.enqueue('incident.analyze', { incidentId: incident.id }, { jobId: jobIdFor('analyze', incident.id) })
}
