import type { SyntheticIncidentKind } from './injection'
import type { InjectionBehaviour } from './injection-behaviour'
import { badDeploy } from './injections/bad-deploy'
import { connectionPoolExhaustion } from './injections/connection-pool-exhaustion'
import { memoryLeak } from './injections/memory-leak'
import { quotaExhaustion } from './injections/quota-exhaustion'
import { slowDependency } from './injections/slow-dependency'

export const INJECTION_BEHAVIOURS: Record<SyntheticIncidentKind, InjectionBehaviour> = {
  'slow-dependency': slowDependency,
  'connection-pool-exhaustion': connectionPoolExhaustion,
  'memory-leak': memoryLeak,
  'bad-deploy': badDeploy,
  'quota-exhaustion': quotaExhaustion,
}
