export { createDemoFleet } from './demo-fleet'
export { CAPACITY_FLEET } from './capacity-fleet'
export { SYNTHETIC_FLEET, type FleetService, type ServiceCall, type ServiceQuota } from './fleet'
export { SYNTHETIC_INCIDENT_KINDS, type SyntheticIncidentInjection, type SyntheticIncidentKind } from './injection'
export { InvalidInjectionError } from './invalid-injection-error'
export { METRIC_UNITS } from '../../../core/telemetry/port'
export { SeededRandom } from './seeded-random'
export {
  DEFAULT_LOG_LIMIT,
  DEFAULT_SYNTHETIC_SEED,
  DEFAULT_TRACE_LIMIT,
  SyntheticTelemetry,
  type SyntheticTelemetryOptions,
} from './synthetic-telemetry'
