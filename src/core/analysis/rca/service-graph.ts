import type { RcaEdge } from './rca-types'

/** Who calls whom, built once from an edge list; self-calls are ignored, cycles are allowed. */
export class ServiceGraph {
  private readonly out = new Map<string, Set<string>>()
  private readonly in = new Map<string, Set<string>>()
  readonly ignoredEdges: number

  constructor(edges: readonly RcaEdge[], extraNodes: Iterable<string> = []) {
    let ignored = 0
    for (const e of edges) {
      if (typeof e.from !== 'string' || typeof e.to !== 'string' || e.from === '' || e.to === '' || e.from === e.to) {
        ignored++
        continue
      }
      this.add(e.from)
      this.add(e.to)
      this.out.get(e.from)!.add(e.to)
      this.in.get(e.to)!.add(e.from)
    }
    for (const n of extraNodes) this.add(n)
    this.ignoredEdges = ignored
  }

  has(node: string): boolean {
    return this.out.has(node)
  }

  get nodes(): string[] {
    return [...this.out.keys()]
  }

  /** Direct dependencies of `node` (what it calls). */
  callees(node: string): string[] {
    return [...(this.out.get(node) ?? [])]
  }

  /** Direct dependents of `node` (who calls it). */
  callers(node: string): string[] {
    return [...(this.in.get(node) ?? [])]
  }

  private add(node: string): void {
    if (!this.out.has(node)) {
      this.out.set(node, new Set())
      this.in.set(node, new Set())
    }
  }
}
