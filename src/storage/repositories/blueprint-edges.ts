import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { BlueprintChange, BlueprintEdge } from '../../core/blueprint/blueprint-edge'
import type { BlueprintMerge } from '../../core/blueprint/merge-blueprint'
import type { Database } from '../database'
import { blueprintEdges, blueprintEdgeVersions } from '../schema'

type EdgeRow = typeof blueprintEdges.$inferSelect

/** The blueprint's edges, the retired ones only when asked. */
export async function listBlueprintEdges(db: Database, options: { includeRetired?: boolean } = {}): Promise<BlueprintEdge[]> {
  const rows = await db
    .select()
    .from(blueprintEdges)
    .where(options.includeRetired ? undefined : isNull(blueprintEdges.retiredAt))
    .orderBy(asc(blueprintEdges.fromService), asc(blueprintEdges.toService))
  return rows.map(toEdge)
}

/**
 * Stores one refresh: every written edge (upserted by its pair) and, for each new version, a
 * history row under `runId` with the notice it gave. One transaction: all of the run or none.
 */
export async function applyBlueprintMerge(db: Database, runId: string, at: Date, merge: BlueprintMerge): Promise<void> {
  const changeOf = new Map<BlueprintEdge, BlueprintChange>(merge.changes.map((c) => [c.edge, c]))
  await db.transaction(async (tx) => {
    for (const edge of merge.writes) {
      const values = toRow(edge, at)
      const [row] = await tx
        .insert(blueprintEdges)
        .values(values)
        .onConflictDoUpdate({ target: [blueprintEdges.fromService, blueprintEdges.toService], set: values })
        .returning({ id: blueprintEdges.id })
      const change = changeOf.get(edge)
      // A traffic refresh keeps its version, whose history row already exists.
      await tx
        .insert(blueprintEdgeVersions)
        .values({ edgeId: row!.id, version: edge.version, runId, at, edge: edgeJson(edge), change: change ? changeJson(change) : null })
        .onConflictDoNothing()
    }
  })
}

/** Whether refresh `runId` was stored (it wrote at least one new version). */
export async function hasBlueprintRun(db: Database, runId: string): Promise<boolean> {
  const rows = await db.select({ n: sql<number>`1` }).from(blueprintEdgeVersions).where(eq(blueprintEdgeVersions.runId, runId)).limit(1)
  return rows.length > 0
}

/** The notices refresh `runId` stored, for posting them again after a retry. */
export async function listBlueprintChangesOfRun(db: Database, runId: string): Promise<BlueprintChange[]> {
  const rows = await db
    .select({ edge: blueprintEdgeVersions.edge, change: blueprintEdgeVersions.change })
    .from(blueprintEdgeVersions)
    .where(and(eq(blueprintEdgeVersions.runId, runId), isNotNull(blueprintEdgeVersions.change)))
    .orderBy(asc(blueprintEdgeVersions.at))
  return rows.map((r) => {
    const edge = storedEdgeSchema.parse(r.edge)
    const change = storedChangeSchema.parse(r.change)
    return change.kind === 'stopped' ? { kind: 'stopped', edge, lastSeen: change.lastSeen } : { kind: change.kind, edge }
  })
}

/** Versions of one edge, oldest first: how it changed over time. */
export async function listBlueprintEdgeHistory(db: Database, from: string, to: string): Promise<Array<{ version: number; at: Date; edge: BlueprintEdge }>> {
  const rows = await db
    .select({ version: blueprintEdgeVersions.version, at: blueprintEdgeVersions.at, edge: blueprintEdgeVersions.edge })
    .from(blueprintEdgeVersions)
    .innerJoin(blueprintEdges, eq(blueprintEdges.id, blueprintEdgeVersions.edgeId))
    .where(and(eq(blueprintEdges.fromService, from), eq(blueprintEdges.toService, to)))
    .orderBy(asc(blueprintEdgeVersions.version))
  return rows.map((r) => ({ version: r.version, at: r.at, edge: storedEdgeSchema.parse(r.edge) }))
}

const dateOrNull = z.iso
  .datetime()
  .nullable()
  .transform((v) => (v === null ? null : new Date(v)))

const storedEdgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  kind: z.enum(['call', 'db', 'messaging']),
  source: z.enum(['observed', 'declared', 'both']),
  firstSeen: dateOrNull,
  lastSeen: dateOrNull,
  callsPerHour: z.number().nullable(),
  errorRate: z.number().nullable(),
  p95Ms: z.number().nullable(),
  version: z.number().int(),
  retiredAt: dateOrNull,
})

const storedChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['added', 'back', 'declared_unobserved']) }),
  z.object({ kind: z.literal('stopped'), lastSeen: z.iso.datetime().transform((v) => new Date(v)) }),
])

function edgeJson(edge: BlueprintEdge): Record<string, unknown> {
  const iso = (d: Date | null) => (d === null ? null : d.toISOString())
  return { ...edge, firstSeen: iso(edge.firstSeen), lastSeen: iso(edge.lastSeen), retiredAt: iso(edge.retiredAt) }
}

function changeJson(change: BlueprintChange): Record<string, unknown> {
  return change.kind === 'stopped' ? { kind: change.kind, lastSeen: change.lastSeen.toISOString() } : { kind: change.kind }
}

function toRow(edge: BlueprintEdge, at: Date): Omit<typeof blueprintEdges.$inferInsert, 'id'> {
  return {
    fromService: edge.from,
    toService: edge.to,
    kind: edge.kind,
    source: edge.source,
    firstSeen: edge.firstSeen,
    lastSeen: edge.lastSeen,
    callsPerHour: edge.callsPerHour,
    errorRate: edge.errorRate,
    p95Ms: edge.p95Ms,
    version: edge.version,
    retiredAt: edge.retiredAt,
    updatedAt: at,
  }
}

function toEdge(row: EdgeRow): BlueprintEdge {
  return {
    from: row.fromService,
    to: row.toService,
    kind: row.kind,
    source: row.source,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    callsPerHour: row.callsPerHour,
    errorRate: row.errorRate,
    p95Ms: row.p95Ms,
    version: row.version,
    retiredAt: row.retiredAt,
  }
}
