import { createHash } from 'node:crypto'
import { MINUTE_MS } from '../../core/durations'
import { embedIncident } from '../../core/correlation/correlate-incident'
import { listKnownServices, openIncidentOnce, type NewIncident } from '../../storage/repositories/incidents'
import type { JobData } from '../../core/jobs/job-queue'
import { serviceFromText } from '../../core/incidents/service-from-text'
import type { WorkerDeps } from '../worker-deps'
import { processIncidentAnalyze } from './incident-analyze'

const SERVICES_TTL_MS = 5 * MINUTE_MS
const servicesCache = new WeakMap<WorkerDeps, { at: number; names: string[] }>()

/** Services seen in history, refreshed every few minutes rather than per command. */
async function knownServices(deps: WorkerDeps): Promise<string[]> {
  const cached = servicesCache.get(deps)
  if (cached && deps.now().getTime() - cached.at < SERVICES_TTL_MS) return cached.names
  const names = await listKnownServices(deps.db)
  servicesCache.set(deps, { at: deps.now().getTime(), names })
  return names
}

/** `/sre analyze <text>`: opens an incident in the channel it was asked in, then analyses it. */
export async function processIncidentOpenAndAnalyze(deps: WorkerDeps, data: JobData<'incident.open-and-analyze'>): Promise<void> {
  const fromTelemetry = (await deps.telemetry.services().catch(() => [])).map((s) => s.name)
  const known = [...fromTelemetry, ...(await knownServices(deps))]
  const service = serviceFromText(data.text, known)
  // The same command retried after a crash maps to the same incident.
  const fingerprint = `slack:${createHash('sha256').update([data.userId, data.channelId, data.requestedAt, data.text].join('\n')).digest('hex').slice(0, 32)}`
  const values = {
    fingerprint,
    source: 'slack',
    title: data.text.slice(0, 200),
    summary: data.text,
    service,
    severity: 'high',
    startedAt: new Date(data.requestedAt),
    slackChannel: data.channelId,
    createdBy: data.userId,
  } satisfies NewIncident
  // Embedded before it is written, so the row is written once with its embedding: set by an update afterwards, the new
  // row version would enter every index of incidents again, the HNSW graph included.
  const embedding = await embedIncident(values, deps.embedder)
  const { incident, embeddingModel } = await openIncidentOnce(
    deps.db,
    embedding ? { ...values, embedding: embedding.vector, embeddingModel: embedding.model } : values,
    {
      actor: data.userId,
      action: 'incident.opened',
      details: { via: '/sre analyze', text: data.text },
      slackChannel: data.channelId,
    },
  )
  // Analysed in this same job: one hop less between the command and the first reply.
  // Its embedding is reused only if stored with it: a retried job may find the incident opened without one.
  await processIncidentAnalyze(deps, { incidentId: incident.id }, incident, embedding && embeddingModel === embedding.model ? embedding : null)
}
