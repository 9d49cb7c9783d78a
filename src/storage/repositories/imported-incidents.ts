import { and, eq, inArray, sql } from 'drizzle-orm'
import type { HistoryStore, ImportedIncidentRow } from '../../core/incidents/history-import/import-history'
import { importedFingerprint } from '../../core/incidents/history-import/imported-incident'
import type { IncidentSource } from '../../core/incidents/types'
import type { Database } from '../database'
import { incidents } from '../schema'
import { deleteIncidentEmbeddings, upsertIncidentEmbeddings } from './incident-embeddings'

/** The source of every incident `sre-agent import` writes; its external ids are unique within it. */
export const IMPORT_SOURCE = 'import' satisfies IncidentSource

/** Rows per INSERT statement: big enough to amortise the round trip and the statement triggers, small enough for parameter limits. */
export const IMPORT_BATCH = 500

/** Which of these external ids an earlier import already stored. */
export async function findImportedExternalIds(db: Database, externalIds: string[]): Promise<Set<string>> {
  const found = new Set<string>()
  for (let i = 0; i < externalIds.length; i += 5_000) {
    const rows = await db
      .select({ externalId: incidents.externalId })
      .from(incidents)
      .where(and(eq(incidents.source, IMPORT_SOURCE), inArray(incidents.externalId, externalIds.slice(i, i + 5_000))))
    for (const r of rows) if (r.externalId) found.add(r.externalId)
  }
  return found
}

/** The incidents row of an imported incident: resolved, source import, fingerprint from its external id. */
function toRow(incident: ImportedIncidentRow, now: Date): typeof incidents.$inferInsert {
  const ttr = incident.resolvedAt ? Math.round((incident.resolvedAt.getTime() - incident.startedAt.getTime()) / 1000) : null
  return {
    fingerprint: importedFingerprint(incident.externalId),
    source: IMPORT_SOURCE,
    status: 'resolved',
    responseStage: 'resolved',
    title: incident.title,
    summary: incident.summary,
    service: incident.service,
    severity: incident.severity,
    url: incident.link,
    startedAt: incident.startedAt,
    resolvedAt: incident.resolvedAt,
    ttrSeconds: ttr,
    rootCause: incident.rootCause,
    contributingFactors: incident.contributingFactors,
    resolution: incident.resolution,
    resolutionOutcome: incident.outcome,
    externalId: incident.externalId,
    postmortem: incident.postmortem,
    createdBy: IMPORT_SOURCE,
    createdAt: now,
    updatedAt: now,
  }
}

// On a re-import the file's fields replace the stored ones; what the team added since (Slack thread, labels, links) stays.
const UPDATED_COLUMNS = [
  'title',
  'summary',
  'service',
  'severity',
  'url',
  'startedAt',
  'resolvedAt',
  'ttrSeconds',
  'rootCause',
  'contributingFactors',
  'resolution',
  'resolutionOutcome',
  'postmortem',
  'fingerprint',
  'status',
  'responseStage',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof typeof incidents.$inferInsert>

/**
 * Writes imported incidents, IMPORT_BATCH to a statement: an external id seen before updates its incident,
 * a new one inserts it. The search vector is generated and the term statistics follow by trigger; the embeddings
 * (incident_embeddings) are written in the same transaction, and one stored before is removed from an incident
 * imported again without one. Each is searchable once its batch commits. Ids must be unique within `rows`.
 */
export async function upsertImportedIncidents(
  db: Database,
  rows: ImportedIncidentRow[],
  options: { embeddingModel: string; now: Date },
): Promise<{ inserted: number; updated: number }> {
  let inserted = 0
  let updated = 0
  const set = Object.fromEntries(UPDATED_COLUMNS.map((c) => [c, sql.raw(`excluded.${incidents[c].name}`)]))
  for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
    const batch = rows.slice(i, i + IMPORT_BATCH)
    const result = await db.transaction(async (tx) => {
      const written = await tx
        .insert(incidents)
        .values(batch.map((r) => toRow(r, options.now)))
        .onConflictDoUpdate({ target: [incidents.source, incidents.externalId], targetWhere: sql`external_id is not null`, set })
        // xmax is 0 on a freshly inserted row version, the updating transaction's id on an updated one.
        .returning({ id: incidents.id, externalId: incidents.externalId, startedAt: incidents.startedAt, inserted: sql<boolean>`(xmax = 0)` })
      const embeddingOf = new Map(batch.map((r) => [r.externalId, r.embedding]))
      const embedded = written.flatMap((w) => {
        const vector = embeddingOf.get(w.externalId!)
        return vector ? [{ incidentId: w.id, startedAt: w.startedAt, model: options.embeddingModel, vector }] : []
      })
      if (embedded.length > 0) await upsertIncidentEmbeddings(tx as unknown as Database, embedded)
      const unembedded = written.filter((w) => !w.inserted && !embeddingOf.get(w.externalId!)).map((w) => w.id)
      await deleteIncidentEmbeddings(tx as unknown as Database, unembedded)
      return written
    })
    for (const r of result) {
      if (r.inserted) inserted++
      else updated++
    }
  }
  return { inserted, updated }
}

/** The history store of `sre-agent import`, on this database. */
export function importedIncidentStore(db: Database, now: () => Date): HistoryStore {
  return {
    existingExternalIds: (ids) => findImportedExternalIds(db, ids),
    upsert: (rows, embeddingModel) => upsertImportedIncidents(db, rows, { embeddingModel, now: now() }),
  }
}
