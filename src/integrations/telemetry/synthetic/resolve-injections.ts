import type { FleetTopology } from './fleet-topology'
import { SYNTHETIC_INCIDENT_KINDS, type ResolvedInjection, type SyntheticIncidentInjection } from './injection'
import { INJECTION_BEHAVIOURS } from './injection-behaviours'
import { InvalidInjectionError } from './invalid-injection-error'
import { hashInts, hashString } from './stable-hash'

/** Checks each injection against the fleet and fixes its target service; throws on the first bad one. */
export function resolveInjections(topology: FleetTopology, injections: readonly SyntheticIncidentInjection[], seed: number): ResolvedInjection[] {
  return injections.map((injection, index) => {
    if (!SYNTHETIC_INCIDENT_KINDS.includes(injection.kind)) {
      throw new InvalidInjectionError(`unknown injection kind "${String(injection.kind)}"; expected one of ${SYNTHETIC_INCIDENT_KINDS.join(', ')}`)
    }
    if (!topology.has(injection.service)) throw new InvalidInjectionError(`${injection.kind}: unknown service "${injection.service}"`)
    if (injection.dependency !== undefined && !topology.has(injection.dependency)) {
      throw new InvalidInjectionError(`${injection.kind}: unknown dependency "${injection.dependency}"`)
    }
    const startMs = injection.start.getTime()
    const endMs = injection.end?.getTime() ?? null
    if (!Number.isFinite(startMs)) throw new InvalidInjectionError(`${injection.kind} on ${injection.service}: start is not a valid date`)
    if (endMs !== null && !(endMs >= startMs)) throw new InvalidInjectionError(`${injection.kind} on ${injection.service}: end is before start`)
    const target = INJECTION_BEHAVIOURS[injection.kind].resolveTarget(injection, topology)
    const key = hashInts(seed, hashString(`${injection.kind}:${injection.service}:${target}`), startMs, index)
    return { kind: injection.kind, service: injection.service, target, startMs, endMs, key }
  })
}
