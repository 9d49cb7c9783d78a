import { errorMessage } from '../errors'
import type { ChangeEvent, TelemetryPort } from '../telemetry/port'
import { buildIncidentTimeline, CHANGE_LOOKBACK_MS, type Timeline, type TimelineInput } from './timeline'

/** What the timeline reads and keeps; storage implements it. */
export interface TimelineStore {
  load(): Promise<TimelineInput>
  /** Keeps the changes found around the incident (once each), so the timeline still shows them when telemetry no longer does. */
  recordChanges(changes: ChangeEvent[]): Promise<void>
  /** Stores the detection time when it is earlier than the start (and than a detection time already stored). */
  recordDetectedAt(at: Date): Promise<void>
}

export interface CollectedTimeline {
  timeline: Timeline
  /** Why the deploys around the incident could not be read, when they could not: said under the timeline, not hidden. */
  changesUnavailable: string | null
}

/**
 * The incident's timeline from everything stored, plus the deploys and config changes of its service the telemetry
 * reports from two hours before its start to its resolution (or now). Stores the detection time it finds.
 */
export async function collectIncidentTimeline(
  store: TimelineStore,
  telemetry: Pick<TelemetryPort, 'changeEvents'> | null,
  now: Date,
): Promise<CollectedTimeline> {
  let input = await store.load()
  let changesUnavailable: string | null = null
  const { service, startedAt, resolvedAt } = input.incident
  if (telemetry?.changeEvents && service) {
    const window = { start: new Date(startedAt.getTime() - CHANGE_LOOKBACK_MS), end: resolvedAt ?? now }
    try {
      const changes = await telemetry.changeEvents({ service, ...window, limit: 50 })
      if (changes.length > 0) await store.recordChanges(changes)
      input = { ...input, changes }
    } catch (err) {
      changesUnavailable = errorMessage(err).split('\n')[0]!
    }
  }
  const timeline = buildIncidentTimeline(input)
  if (timeline.detectedAt) await store.recordDetectedAt(timeline.detectedAt)
  return { timeline, changesUnavailable }
}
