/** Failure modes the synthetic fleet can be made to show. */
export const SYNTHETIC_INCIDENT_KINDS = ['slow-dependency', 'connection-pool-exhaustion', 'memory-leak', 'bad-deploy', 'quota-exhaustion'] as const
export type SyntheticIncidentKind = (typeof SYNTHETIC_INCIDENT_KINDS)[number]

/**
 * One incident to inject. `service` is where it starts: the caller for `slow-dependency`
 * (with `dependency` the slow callee), the database for `connection-pool-exhaustion`.
 * Without `end` it is still going on.
 */
export interface SyntheticIncidentInjection {
  kind: SyntheticIncidentKind
  service: string
  dependency?: string
  start: Date
  end?: Date
}

/** An injection checked against the fleet, with times as epoch milliseconds. */
export interface ResolvedInjection {
  kind: SyntheticIncidentKind
  /** The service the injection names. */
  service: string
  /** The service whose own behaviour changes: the slow callee, the exhausted database, or `service`. */
  target: string
  startMs: number
  endMs: number | null
  /** Distinguishes the random streams of two injections of the same kind. */
  key: number
}
