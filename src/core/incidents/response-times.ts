import { SECOND_MS } from '../durations'

/** The times an incident's response is measured from; null where nothing was recorded. */
export interface ResponseMoments {
  /** When the alert fired or the incident was declared. */
  startedAt: Date | null
  /** The earliest sign of the problem before the alert (an anomaly onset), when one is known. */
  detectedAt: Date | null
  acknowledgedAt: Date | null
  /** When the impact stopped (the first update to `monitoring`, else the resolution). */
  mitigatedAt: Date | null
  resolvedAt: Date | null
}

/** Seconds to acknowledge, to mitigate and to resolve; null when unknown, never a made-up zero. */
export interface ResponseTimes {
  ttaSeconds: number | null
  ttmSeconds: number | null
  ttrSeconds: number | null
}

/**
 * The incident's response times. Acknowledging answers the page, so it counts from the alert (`startedAt`);
 * mitigation and resolution end the impact, so they count from its earliest known sign (`detectedAt` when it is
 * earlier than the alert). A missing time, or one before its start (or a mitigation after the resolution), gives null.
 */
export function computeResponseTimes(m: ResponseMoments): ResponseTimes {
  const started = valid(m.startedAt)
  const detected = valid(m.detectedAt)
  const impactStart = started !== null && detected !== null ? Math.min(started, detected) : (started ?? detected)
  const mitigated = valid(m.mitigatedAt)
  const resolved = valid(m.resolvedAt)
  const mitigationConsistent = mitigated === null || resolved === null || mitigated <= resolved
  return {
    ttaSeconds: secondsBetween(started, valid(m.acknowledgedAt)),
    ttmSeconds: mitigationConsistent ? secondsBetween(impactStart, mitigated) : null,
    ttrSeconds: secondsBetween(impactStart, resolved),
  }
}

function valid(date: Date | null): number | null {
  if (date === null) return null
  const ms = date.getTime()
  return Number.isFinite(ms) ? ms : null
}

function secondsBetween(from: number | null, to: number | null): number | null {
  if (from === null || to === null || to < from) return null
  return Math.round((to - from) / SECOND_MS)
}
