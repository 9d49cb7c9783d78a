import { CodedError } from '../errors'
import type { TelemetryPort } from '../telemetry/port'
import type { BlueprintEdge } from './blueprint-edge'
import { deriveEdges } from './derive-edges'
import { mergeBlueprint } from './merge-blueprint'

/** Declared dependencies as edges, from the provider's service list. */
export function declaredEdges(services: ReadonlyArray<{ name: string; dependsOn: readonly string[] }>): Array<{ from: string; to: string }> {
  return services.flatMap((s) => s.dependsOn.map((to) => ({ from: s.name, to })))
}

/**
 * A blueprint built on the spot, without storage: one sample of the window's traces merged with
 * the declared topology (what a first refresh would store).
 */
export async function blueprintFromTraces(telemetry: TelemetryPort, options: { now: Date; windowMs: number; limit: number }): Promise<BlueprintEdge[]> {
  if (!telemetry.sampleTraces) throw new CodedError('telemetry_query_invalid', `the ${telemetry.name} telemetry provider gives no whole traces`)
  const [traces, services] = await Promise.all([
    telemetry.sampleTraces({ start: new Date(options.now.getTime() - options.windowMs), end: options.now, limit: options.limit }),
    telemetry.services(),
  ])
  return mergeBlueprint([], deriveEdges(traces), declaredEdges(services), { now: options.now, ttlDays: 365, windowMs: options.windowMs }).writes
}
