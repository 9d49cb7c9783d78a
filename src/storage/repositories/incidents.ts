import { and, desc, eq, getTableColumns, gte, isNotNull, lt, sql } from 'drizzle-orm'
import { fieldTermDocument } from '../../core/correlation/bm25f'
import { CodedError } from '../../core/errors'
import type { Database } from '../database'
import { postgresArrayLiteral } from '../postgres-array'
import { preparedQuery } from '../prepared-query'
import type { NewAuditEntry } from './audit'
import { parseStoredColumn } from '../parse-stored-column'
import { DEFAULT_EMBEDDING_MODEL, incidentEmbeddings, incidentLabelsSchema, incidentLinksSchema, incidents } from '../schema'
import { deleteIncidentEmbeddings, upsertIncidentEmbeddings } from './incident-embeddings'

export type Incident = Omit<typeof incidents.$inferSelect, 'searchVector'>

/**
 * An incident's embedding as its writers pass it: stored in incident_embeddings (migration 0025), with the default
 * model when none is named. Null (updateIncident) removes the stored one; the model alone changes nothing.
 */
export interface IncidentEmbeddingInput {
  embedding?: number[] | null
  embeddingModel?: string | null
}
export type NewIncident = typeof incidents.$inferInsert & IncidentEmbeddingInput

// Every column but the tsvector: it is only needed inside the search queries.
const { searchVector: _searchVector, ...columns } = getTableColumns(incidents)
export const incidentColumns = columns

/** The incidents row of `values` and the embedding to store with it (undefined: none given). */
function splitEmbedding<T extends IncidentEmbeddingInput>(
  values: T,
): { row: Omit<T, keyof IncidentEmbeddingInput>; embedding: { vector: number[]; model: string } | null | undefined } {
  const { embedding, embeddingModel, ...row } = values
  if (embedding === undefined) return { row, embedding: undefined }
  return { row, embedding: embedding === null ? null : { vector: embedding, model: embeddingModel ?? DEFAULT_EMBEDDING_MODEL } }
}

/** An incident as read back, its labels checked against their schema. */
export function toIncident(row: Incident): Incident {
  return {
    ...row,
    labels: parseStoredColumn(incidentLabelsSchema, row.labels, { table: 'incidents', rowId: row.id, column: 'labels' }),
    links: parseStoredColumn(incidentLinksSchema, row.links, { table: 'incidents', rowId: row.id, column: 'links' }),
  }
}

/**
 * Opens an incident under `fingerprint` unless one is already open under it, and
 * returns the open one either way (a retried job finds the incident it created), with the model of its stored embedding.
 * `opened`, when given, is the audit entry of the opening, written in the same statement as the incident and only
 * when this call created it (a retry after a crash neither loses it nor writes it twice).
 */
export async function openIncidentOnce(
  db: Database,
  values: NewIncident,
  opened?: Pick<NewAuditEntry, 'actor' | 'action' | 'details' | 'slackChannel'>,
): Promise<{ incident: Incident; embeddingModel: string | null }> {
  const { row: incident, embedding } = splitEmbedding(values)
  const insert = db.insert(incidents).values(incident).onConflictDoNothing({ target: incidents.fingerprint, where: sql`status = 'open'` })
  // Its embedding, if any, is written with it, in its own table (migration 0025).
  const withEmbedding = embedding
    ? sql`,
    stored_embedding as (
      insert into incident_embeddings (incident_id, model, started_at, embedding)
      select id, ${embedding.model}, started_at, ${`[${embedding.vector.join(',')}]`}::vector from inserted)`
    : sql``
  // Its BM25F field terms are written with it, tokenized here rather than by the insert trigger (migration 0023).
  const terms = fieldTermDocument({ title: values.title, description: values.summary, resolution: values.resolution })
  const withTerms = sql`with inserted as (${insert.returning({ id: incidents.id, startedAt: incidents.startedAt }).getSQL()}),
    field_terms as (
      insert into incident_field_terms
        (incident_id, terms, title_tf, description_tf, resolution_tf, title_length, description_length, resolution_length, started_at)
      select id, ${postgresArrayLiteral(terms.terms)}::text[], ${postgresArrayLiteral(terms.title)}::smallint[],
             ${postgresArrayLiteral(terms.description)}::smallint[], ${postgresArrayLiteral(terms.resolution)}::smallint[],
             ${terms.lengths.title}, ${terms.lengths.description}, ${terms.lengths.resolution}, started_at
      from inserted)${withEmbedding}`
  if (opened) {
    const details = JSON.stringify(opened.details ?? {})
    await db.execute(sql`${withTerms}
      insert into audit_log (actor, action, incident_id, subject_type, subject_id, details, slack_channel)
      select ${opened.actor}, ${opened.action}, id, 'incident', id::text, ${details}::jsonb, ${opened.slackChannel ?? null} from inserted`)
  } else {
    await db.execute(sql`${withTerms} select count(*) from inserted`)
  }
  // Read back with the model of its stored embedding: a retried job may find the incident opened without one (or with
  // another model's), and only an embedding stored with it may stand in for embedding it again.
  const query = preparedQuery(db, 'open_incident_by_fingerprint', (d) =>
    d
      .select({ incident: incidentColumns, embeddingModel: incidentEmbeddings.model })
      .from(incidents)
      .leftJoin(incidentEmbeddings, eq(incidentEmbeddings.incidentId, incidents.id))
      .where(and(eq(incidents.fingerprint, sql.placeholder('fingerprint')), eq(incidents.status, 'open'))),
  )
  const [row] = await query.execute({ fingerprint: values.fingerprint })
  if (!row) throw new CodedError('incident_create_failed', `no open incident under ${values.fingerprint}`)
  return { incident: toIncident(row.incident), embeddingModel: row.embeddingModel ?? null }
}

/** Writes an incident, and its embedding when given (in the same transaction). */
export async function createIncident(db: Database, values: NewIncident): Promise<Incident> {
  const { row: incident, embedding } = splitEmbedding(values)
  const write = async (d: Database) => {
    const [row] = await d.insert(incidents).values(incident).returning(incidentColumns)
    if (!row) throw new CodedError('incident_create_failed', 'insert returned no row')
    if (embedding) await upsertIncidentEmbeddings(d, [{ incidentId: row.id, startedAt: row.startedAt, ...embedding }])
    return toIncident(row)
  }
  return embedding ? db.transaction((tx) => write(tx as unknown as Database)) : write(db)
}

/** Bulk load of history (evaluations, benchmarks, imports), in batches, with their embeddings; returns the ids in order. */
export async function insertIncidents(db: Database, rows: NewIncident[], batchSize = 500): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize).map(splitEmbedding)
    const write = async (d: Database) => {
      const inserted = await d
        .insert(incidents)
        .values(batch.map((b) => b.row))
        .returning({ id: incidents.id, startedAt: incidents.startedAt })
      // Returned in the order of the values, as the ids this returns.
      const embeddings = inserted.flatMap((r, j) => {
        const embedding = batch[j]!.embedding
        return embedding ? [{ incidentId: r.id, startedAt: r.startedAt, ...embedding }] : []
      })
      if (embeddings.length > 0) await upsertIncidentEmbeddings(d, embeddings)
      return inserted
    }
    const inserted = batch.some((b) => b.embedding) ? await db.transaction((tx) => write(tx as unknown as Database)) : await write(db)
    ids.push(...inserted.map((r) => r.id))
  }
  return ids
}

export async function getIncident(db: Database, id: string): Promise<Incident | null> {
  const query = preparedQuery(db, 'incident_by_id', (d) =>
    d
      .select(incidentColumns)
      .from(incidents)
      .where(eq(incidents.id, sql.placeholder('id'))),
  )
  const [row] = await query.execute({ id })
  return row ? toIncident(row) : null
}

export async function getIncidentOrThrow(db: Database, id: string): Promise<Incident> {
  const row = await getIncident(db, id)
  if (!row) throw new CodedError('incident_not_found', `incident ${id} does not exist`)
  return row
}

export async function getIncidentByNumber(db: Database, number: number): Promise<Incident | null> {
  const [row] = await db.select(incidentColumns).from(incidents).where(eq(incidents.number, number))
  return row ? toIncident(row) : null
}

/** The incident whose thread was opened last in `channel`, open ones first: what `/sre resolve` without INC-n means there. */
export async function getLatestIncidentInChannel(db: Database, channel: string): Promise<Incident | null> {
  const [row] = await db
    .select(incidentColumns)
    .from(incidents)
    .where(and(eq(incidents.slackChannel, channel), isNotNull(incidents.slackTs)))
    .orderBy(sql`${incidents.status} = 'open' desc`, desc(incidents.startedAt))
    .limit(1)
  return row ? toIncident(row) : null
}

/** Updates an incident; an embedding given is stored in incident_embeddings (replacing the one there) in the same transaction. */
export async function updateIncident(db: Database, id: string, values: Partial<NewIncident>): Promise<Incident> {
  const { row: set, embedding } = splitEmbedding(values)
  const write = async (d: Database) => {
    const [row] = await d
      .update(incidents)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(incidents.id, id))
      .returning(incidentColumns)
    if (!row) throw new CodedError('incident_not_found', `incident ${id} does not exist`)
    if (embedding) await upsertIncidentEmbeddings(d, [{ incidentId: id, startedAt: row.startedAt, ...embedding }])
    else if (embedding === null) await deleteIncidentEmbeddings(d, [id])
    return toIncident(row)
  }
  return embedding === undefined ? write(db) : db.transaction((tx) => write(tx as unknown as Database))
}

/** Where the incident's root message is (what updateIncident would set, without reading the row back). */
export async function setIncidentThread(db: Database, id: string, posted: { channel: string; ts: string }): Promise<void> {
  const query = preparedQuery(db, 'set_incident_thread', (d) =>
    d
      .update(incidents)
      .set({ slackChannel: sql`${sql.placeholder('channel')}`, slackTs: sql`${sql.placeholder('ts')}`, updatedAt: sql`now()` })
      .where(eq(incidents.id, sql.placeholder('id'))),
  )
  await query.execute({ id, channel: posted.channel, ts: posted.ts })
}

export async function listOpenIncidents(db: Database, limit = 20): Promise<Incident[]> {
  const rows = await db.select(incidentColumns).from(incidents).where(eq(incidents.status, 'open')).orderBy(desc(incidents.startedAt)).limit(limit)
  return rows.map(toIncident)
}

/** Incidents started in [since, until), newest first, of one service when given: what a digest figure counts. */
export async function listIncidentsStarted(
  db: Database,
  filter: { since: Date; until: Date; service: string | null },
  limit = 20,
): Promise<{ incidents: Incident[]; total: number }> {
  const where = and(
    gte(incidents.startedAt, filter.since),
    lt(incidents.startedAt, filter.until),
    filter.service === null ? undefined : eq(incidents.service, filter.service),
  )
  const [rows, [count]] = await Promise.all([
    db.select(incidentColumns).from(incidents).where(where).orderBy(desc(incidents.startedAt)).limit(limit),
    db.select({ total: sql<number>`count(*)::int` }).from(incidents).where(where),
  ])
  return { incidents: rows.map(toIncident), total: count?.total ?? 0 }
}

/** Open incidents of one service, newest first. */
export async function listOpenIncidentsOfService(db: Database, service: string, limit = 20): Promise<Incident[]> {
  const rows = await db
    .select(incidentColumns)
    .from(incidents)
    .where(and(eq(incidents.status, 'open'), eq(incidents.service, service)))
    .orderBy(desc(incidents.startedAt))
    .limit(limit)
  return rows.map(toIncident)
}

/** Services named by any incident so far: a catalogue learnt from history. */
export async function listKnownServices(db: Database): Promise<string[]> {
  const rows = await db.selectDistinct({ service: incidents.service }).from(incidents).where(isNotNull(incidents.service))
  return rows.map((r) => r.service!).sort()
}
