import { DAY_MS, HOUR_MS } from '../durations'
import type { BlueprintChange, BlueprintEdge, EdgeSource } from './blueprint-edge'
import { edgeKey, type ObservedEdge } from './derive-edges'

export interface MergeOptions {
  now: Date
  /** An observed edge not seen for this long is no longer observed (retired unless still declared). */
  ttlDays: number
  /** Length of the traced window the observations cover, for calls per hour. */
  windowMs: number
}

export interface BlueprintMerge {
  /** Every edge the run writes: new ones, changed ones (version raised) and ones whose traffic was refreshed. */
  writes: BlueprintEdge[]
  changes: BlueprintChange[]
}

/**
 * One refresh of the blueprint: what the traces of this run showed and what is declared,
 * merged into what was stored. Pure; the caller stores `writes` and announces `changes`.
 */
export function mergeBlueprint(
  stored: readonly BlueprintEdge[],
  observed: readonly ObservedEdge[],
  declared: ReadonlyArray<{ from: string; to: string }>,
  options: MergeOptions,
): BlueprintMerge {
  const storedByKey = new Map(stored.map((e) => [edgeKey(e.from, e.to), e]))
  const observedByKey = new Map(observed.map((e) => [edgeKey(e.from, e.to), e]))
  const declaredKeys = new Set(declared.filter((d) => d.from !== d.to).map((d) => edgeKey(d.from, d.to)))
  const keys = [...new Set([...storedByKey.keys(), ...observedByKey.keys(), ...declaredKeys])]
  const writes: BlueprintEdge[] = []
  const changes: BlueprintChange[] = []
  const hours = Math.max(options.windowMs, 1) / HOUR_MS
  const ttlMs = options.ttlDays * DAY_MS
  for (const key of keys) {
    const s = storedByKey.get(key)
    const o = observedByKey.get(key)
    const isDeclared = declaredKeys.has(key)
    const [from, to] = JSON.parse(key) as [string, string]
    if (o) {
      const source: EdgeSource = isDeclared ? 'both' : 'observed'
      const wasObserved = s !== undefined && s.retiredAt === null && s.source !== 'declared'
      const edge: BlueprintEdge = {
        from,
        to,
        kind: o.kind,
        source,
        firstSeen: s?.firstSeen ?? o.firstSeen,
        lastSeen: s?.lastSeen && s.lastSeen > o.lastSeen ? s.lastSeen : o.lastSeen,
        callsPerHour: o.calls / hours,
        errorRate: o.calls > 0 ? o.errors / o.calls : 0,
        p95Ms: o.p95Ms,
        version: s?.version ?? 0,
        retiredAt: null,
      }
      const changed = !s || s.retiredAt !== null || s.source !== source || s.kind !== o.kind
      if (changed) edge.version++
      writes.push(edge)
      if (!wasObserved) {
        // Seen before, then gone: back. Declared and now confirmed by traces: not news.
        if (s?.firstSeen) changes.push({ kind: 'back', edge })
        else if (s?.source !== 'declared') changes.push({ kind: 'added', edge })
      }
      continue
    }
    if (!s) {
      const edge: BlueprintEdge = { ...emptyEdge(from, to), source: 'declared', version: 1 }
      writes.push(edge)
      changes.push({ kind: 'declared_unobserved', edge })
      continue
    }
    const observedPart = s.retiredAt === null && s.source !== 'declared'
    const stale = s.lastSeen === null || options.now.getTime() - s.lastSeen.getTime() > ttlMs
    if (observedPart && stale) {
      const edge: BlueprintEdge = isDeclared ? { ...s, source: 'declared', version: s.version + 1 } : { ...s, retiredAt: options.now, version: s.version + 1 }
      writes.push(edge)
      changes.push({ kind: 'stopped', edge, lastSeen: s.lastSeen ?? options.now })
      continue
    }
    const source: EdgeSource | null =
      s.retiredAt !== null
        ? isDeclared
          ? 'declared'
          : null
        : isDeclared
          ? s.source === 'observed'
            ? 'both'
            : s.source
          : s.source === 'declared'
            ? null
            : 'observed'
    if (source === null) {
      // No longer declared and not observed: out of the graph, kept for history.
      if (s.retiredAt === null) writes.push({ ...s, retiredAt: options.now, version: s.version + 1 })
      continue
    }
    if (source !== s.source || s.retiredAt !== null) {
      const edge: BlueprintEdge = { ...s, source, retiredAt: null, version: s.version + 1 }
      writes.push(edge)
      if (s.retiredAt !== null && s.firstSeen === null) changes.push({ kind: 'declared_unobserved', edge })
    }
  }
  return { writes, changes }
}

function emptyEdge(from: string, to: string): Omit<BlueprintEdge, 'source' | 'version'> {
  return { from, to, kind: 'call', firstSeen: null, lastSeen: null, callsPerHour: null, errorRate: null, p95Ms: null, retiredAt: null }
}
