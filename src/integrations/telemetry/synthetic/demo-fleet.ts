import { MINUTE_MS } from '../../../core/durations'
import { GcpConsoleLinks } from '../../gcp/console-links'
import type { FleetService } from './fleet'
import type { SyntheticIncidentInjection } from './injection'
import { DEFAULT_SYNTHETIC_SEED, SyntheticTelemetry } from './synthetic-telemetry'

/** What happens to the demo fleet after `now`; without it the two incidents go on and nothing else does. */
export interface DemoFleetTimeline {
  /** When fixes for both incidents are out and the fleet is healthy again. */
  mitigatedAt?: Date
  /** When inventory starts leaking memory: a slow climb to its limit and an OOM kill 34 min later. */
  inventoryLeakAt?: Date
  /** The services: the shop by default; the demo adds the capacity fleet's hot, idle and healthy services. */
  fleet?: readonly FleetService[]
}

/**
 * The fleet the demo runs against: fraud-check has been slowing payment-api down for
 * 25 minutes, and checkout-db ran out of connections 15 minutes ago, stalling checkout-api.
 * It stands in for GKE workloads of the Google Cloud project `projectId`, whose console its evidence links to.
 */
export function createDemoFleet(
  now: Date,
  seed: number = DEFAULT_SYNTHETIC_SEED,
  timeline: DemoFleetTimeline = {},
  projectId = 'demo-project',
): SyntheticTelemetry {
  const end = timeline.mitigatedAt ? { end: timeline.mitigatedAt } : {}
  const injections: SyntheticIncidentInjection[] = [
    { kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: new Date(now.getTime() - 25 * MINUTE_MS), ...end },
    { kind: 'connection-pool-exhaustion', service: 'checkout-db', start: new Date(now.getTime() - 15 * MINUTE_MS), ...end },
  ]
  if (timeline.inventoryLeakAt) injections.push({ kind: 'memory-leak', service: 'inventory', start: timeline.inventoryLeakAt })
  return new SyntheticTelemetry({ seed, injections, links: new GcpConsoleLinks(projectId), ...(timeline.fleet ? { fleet: timeline.fleet } : {}) })
}
