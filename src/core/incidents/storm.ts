/** When incidents of one service or alert policy come as a storm (see STORM_THRESHOLD in the README). */
export interface StormSettings {
  /** Incidents within the window that make a storm; 0 never groups. */
  threshold: number
  windowMs: number
  /** How long a follower of a recent incident waits, below the threshold, for the storm to show itself. */
  settleMs: number
}

/** The incidents of the same service or alert policy opened within the window around this one (this one left out). */
export interface StormNeighbourhood {
  siblings: number
  /** The earliest open sibling not in a storm itself. */
  earliest: { id: string; number: number } | null
  /** The open parent of the latest sibling that joined a storm (not this incident): the storm going on. */
  joinedParentId: string | null
  /** Milliseconds since this incident opened, by the database's clock. */
  ageMs: number
}

export type StormDecision = { kind: 'alone' } | { kind: 'member'; parentId: string } | { kind: 'wait'; ms: number }

/**
 * Whether an incident gets its own thread and analysis, or is one line in a storm's first incident's thread.
 * The first incident is analysed; the others join it once the window holds `threshold` of them. Below
 * the threshold a follower waits `settleMs` from its opening, so the second to the threshold-th of a burst
 * join too, instead of racing ahead with threads of their own.
 */
export function decideStorm(incident: { id: string; number: number; stormSize: number }, around: StormNeighbourhood, settings: StormSettings): StormDecision {
  if (settings.threshold === 0 || incident.stormSize > 0) return { kind: 'alone' }
  if (around.joinedParentId && around.joinedParentId !== incident.id) return { kind: 'member', parentId: around.joinedParentId }
  const first = around.earliest
  if (!first || first.number > incident.number) return { kind: 'alone' }
  if (around.siblings + 1 >= settings.threshold) return { kind: 'member', parentId: first.id }
  if (around.ageMs < settings.settleMs) return { kind: 'wait', ms: settings.settleMs - around.ageMs }
  return { kind: 'alone' }
}
