import { DEFAULT_SYNTHETIC_SEED, SyntheticTelemetry } from './synthetic-telemetry'

const MINUTE_MS = 60_000

/**
 * The fleet the demo runs against: fraud-check has been slowing payment-api down for
 * 25 minutes, and checkout-db ran out of connections 15 minutes ago, stalling checkout-api.
 */
export function createDemoFleet(now: Date, seed: number = DEFAULT_SYNTHETIC_SEED): SyntheticTelemetry {
  return new SyntheticTelemetry({
    seed,
    injections: [
      { kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: new Date(now.getTime() - 25 * MINUTE_MS) },
      { kind: 'connection-pool-exhaustion', service: 'checkout-db', start: new Date(now.getTime() - 15 * MINUTE_MS) },
    ],
  })
}
