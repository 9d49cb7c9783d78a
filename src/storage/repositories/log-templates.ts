import { createHash } from 'node:crypto'
import { and, desc, eq, gte, inArray, lt, ne, or, sql } from 'drizzle-orm'
import {
  storableText,
  type BucketCount,
  type ErrorSighting,
  type LogTemplateHistorySnapshot,
  type LogTemplateObservation,
  type PastIncidentErrors,
} from '../../core/analysis/logs/log-template-history'
import { DAY_MS } from '../../core/durations'
import { SEVERITY_RANK } from '../../core/telemetry/port'
import { rowsOf, type Database } from '../database'
import { writeTogether } from '../write-together'
import { incidentErrorSightings, incidents, logObservedBuckets, logTemplateCounts, logTemplates } from '../schema'

export interface LogTemplateLimits {
  /** Templates kept per service; past it new templates are not stored (the known ones still are). */
  maxTemplatesPerService: number
  /** Counts, observed buckets and templates last seen before this are not stored (the hourly history.prune job deletes them). */
  retainSince: Date
}

/** Under the analysis' 5 s deadline for storing: a slower statement is cancelled instead of outliving it. */
const WRITE_STATEMENT_TIMEOUT_MS = 4_000

export interface UpsertLogTemplatesResult {
  stored: number
  /** New templates not stored because the service is at its cap. */
  dropped: number
  /** Nothing stored: another analysis of the service was writing. */
  busy: boolean
}

/** Error sightings kept per incident. */
const MAX_SIGHTINGS_PER_INCIDENT = 50

function hashTemplate(template: string): string {
  return createHash('sha256').update(template).digest('hex')
}

/** The service's templates (most recently seen first, at most `maxTemplates`, without counts) and its observed buckets in [start, end). */
export async function listLogTemplates(
  db: Database,
  service: string,
  range: { start: Date; end: Date },
  maxTemplates: number,
): Promise<LogTemplateHistorySnapshot> {
  const [templates, observed] = await Promise.all([
    db
      .select({ id: logTemplates.id, template: logTemplates.template, firstSeenAt: logTemplates.firstSeenAt, lastSeenAt: logTemplates.lastSeenAt })
      .from(logTemplates)
      .where(eq(logTemplates.service, service))
      .orderBy(desc(logTemplates.lastSeenAt))
      .limit(maxTemplates),
    db
      .select({ bucketStart: logObservedBuckets.bucketStart })
      .from(logObservedBuckets)
      .where(and(eq(logObservedBuckets.service, service), gte(logObservedBuckets.bucketStart, range.start), lt(logObservedBuckets.bucketStart, range.end)))
      .orderBy(logObservedBuckets.bucketStart),
  ])
  return { templates: templates.map((t) => ({ ...t, buckets: [] })), observedBuckets: observed.map((o) => o.bucketStart) }
}

/** Bucket counts in [start, end) of the given templates, by template, oldest first. */
export async function listLogTemplateCounts(db: Database, templateIds: number[], range: { start: Date; end: Date }): Promise<Map<number, BucketCount[]>> {
  const byTemplate = new Map<number, BucketCount[]>()
  if (templateIds.length === 0) return byTemplate
  const rows = await db
    .select({ templateId: logTemplateCounts.templateId, start: logTemplateCounts.bucketStart, count: logTemplateCounts.count })
    .from(logTemplateCounts)
    .where(
      and(inArray(logTemplateCounts.templateId, templateIds), gte(logTemplateCounts.bucketStart, range.start), lt(logTemplateCounts.bucketStart, range.end)),
    )
    .orderBy(logTemplateCounts.templateId, logTemplateCounts.bucketStart)
  for (const { templateId, start, count } of rows) {
    const list = byTemplate.get(templateId)
    if (list) list.push({ start, count })
    else byTemplate.set(templateId, [{ start, count }])
  }
  return byTemplate
}

/** The service's templates with every count in [start, end): what it knows of the service, to inspect. */
export async function getLogTemplateHistory(
  db: Database,
  service: string,
  range: { start: Date; end: Date },
  maxTemplates: number,
): Promise<LogTemplateHistorySnapshot> {
  const snapshot = await listLogTemplates(db, service, range, maxTemplates)
  const counts = await listLogTemplateCounts(
    db,
    snapshot.templates.map((t) => t.id),
    range,
  )
  return { ...snapshot, templates: snapshot.templates.map((t) => ({ ...t, buckets: counts.get(t.id) ?? [] })) }
}

/**
 * Adds one analysis' template observations to the service's statistics, in one transaction
 * serialised per service: bucket counts are upserted keeping the larger count, so a retried or
 * re-run analysis (which fetches the same lines again) does not double count. At most
 * `maxTemplatesPerService` templates are kept. A handful of statements
 * whatever the number of templates (each round trip costs a busy worker more than the work).
 */
export async function upsertLogTemplateObservations(
  db: Database,
  service: string,
  observations: LogTemplateObservation[],
  observedBuckets: Date[],
  limits: LogTemplateLimits,
): Promise<UpsertLogTemplatesResult> {
  return db.transaction(async (tx) => {
    // The analysis gives up on this write after a few seconds, so does the database. In a storm on one
    // service, analyses waiting for each other's lock would hold pool connections the others need; the
    // analysis writing now fetched nearly the same lines, so this one stands aside.
    const timeout = String(WRITE_STATEMENT_TIMEOUT_MS)
    const [lock] = rowsOf<{ locked: boolean }>(
      await tx.execute(sql`select set_config('statement_timeout', ${timeout}, true), pg_try_advisory_xact_lock(${serviceLockKey(service)}) as locked`),
    )
    if (!lock?.locked) return { stored: 0, dropped: 0, busy: true }
    // Rows past the retention are deleted by the hourly history.prune job; until then they are only ignored.
    const [{ count: existing } = { count: 0 }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(logTemplates)
      .where(eq(logTemplates.service, service))
    let room = limits.maxTemplatesPerService - existing
    const result: UpsertLogTemplatesResult = { stored: 0, dropped: 0, busy: false }

    const prepared = observations
      .filter((o) => o.lastSeenAt >= limits.retainSince)
      .map((o) => ({
        o,
        hash: hashTemplate(o.template),
        text: storableText(o.template),
        severity: SEVERITY_RANK[o.maxSeverity] ?? SEVERITY_RANK.WARNING,
        buckets: o.buckets.filter((b) => b.start >= limits.retainSince && b.count > 0),
      }))
    if (prepared.length > 0) {
      const storedIds = prepared.flatMap((p) => (p.o.storedId === null ? [] : [p.o.storedId]))
      const known = await tx
        .select({ id: logTemplates.id, hash: logTemplates.templateHash })
        .from(logTemplates)
        .where(
          and(
            eq(logTemplates.service, service),
            or(
              inArray(
                logTemplates.templateHash,
                prepared.map((p) => p.hash),
              ),
              storedIds.length > 0 ? inArray(logTemplates.id, storedIds) : undefined,
            ),
          ),
        )
      const idByHash = new Map(known.map((r) => [r.hash, r.id]))
      const storedRows = new Set(known.map((r) => r.id))
      // By hash: one row per text, the widest first/last seen and highest severity, the larger count per bucket.
      const upserts = new Map<string, (typeof prepared)[number]>()
      const countsById: Array<{ id: number; buckets: BucketCount[] }> = []
      for (const p of prepared) {
        if (p.o.storedId !== null && storedRows.has(p.o.storedId) && !idByHash.has(p.hash)) {
          // The matched row generalised: it takes the new text, keeping its id and counts (rare: one statement each).
          await tx
            .update(logTemplates)
            .set({
              template: p.text,
              templateHash: p.hash,
              maxSeverity: sql`greatest(${logTemplates.maxSeverity}, ${p.severity})`,
              firstSeenAt: sql`least(${logTemplates.firstSeenAt}, ${p.o.firstSeenAt.toISOString()}::timestamptz)`,
              lastSeenAt: sql`greatest(${logTemplates.lastSeenAt}, ${p.o.lastSeenAt.toISOString()}::timestamptz)`,
            })
            .where(and(eq(logTemplates.id, p.o.storedId), eq(logTemplates.service, service)))
          idByHash.set(p.hash, p.o.storedId)
          countsById.push({ id: p.o.storedId, buckets: p.buckets })
          result.stored++
          continue
        }
        // Known text (the matched row, or another row that already has the generalised text): counted there.
        if (!idByHash.has(p.hash) && !upserts.has(p.hash)) {
          if (room <= 0) {
            result.dropped++
            continue
          }
          room--
        }
        result.stored++
        const same = upserts.get(p.hash)
        upserts.set(p.hash, same ? mergeObservations(same, p) : p)
      }

      const rows = [...upserts.values()]
      const ids =
        rows.length === 0
          ? []
          : await tx
              .insert(logTemplates)
              .values(
                rows.map((p) => ({
                  service,
                  templateHash: p.hash,
                  template: p.text,
                  maxSeverity: p.severity,
                  firstSeenAt: p.o.firstSeenAt,
                  lastSeenAt: p.o.lastSeenAt,
                })),
              )
              .onConflictDoUpdate({
                target: [logTemplates.service, logTemplates.templateHash],
                set: {
                  maxSeverity: sql`greatest(${logTemplates.maxSeverity}, excluded.max_severity)`,
                  firstSeenAt: sql`least(${logTemplates.firstSeenAt}, excluded.first_seen_at)`,
                  lastSeenAt: sql`greatest(${logTemplates.lastSeenAt}, excluded.last_seen_at)`,
                },
              })
              .returning({ id: logTemplates.id, hash: logTemplates.templateHash })
      const idOfHash = new Map(ids.map((r) => [r.hash, r.id]))
      for (const p of rows) countsById.push({ id: idOfHash.get(p.hash)!, buckets: p.buckets })

      const counts = mergeCounts(countsById)
      for (let i = 0; i < counts.length; i += COUNT_ROWS_PER_STATEMENT) {
        await tx
          .insert(logTemplateCounts)
          .values(counts.slice(i, i + COUNT_ROWS_PER_STATEMENT))
          .onConflictDoUpdate({
            target: [logTemplateCounts.templateId, logTemplateCounts.bucketStart],
            set: { count: sql`greatest(${logTemplateCounts.count}, excluded.count)` },
          })
      }
    }

    const observed = [...new Set(observedBuckets.filter((b) => b >= limits.retainSince).map((b) => b.getTime()))]
    if (observed.length > 0)
      await tx
        .insert(logObservedBuckets)
        .values(observed.map((t) => ({ service, bucketStart: new Date(t) })))
        .onConflictDoNothing()
    return result
  })
}

// Three parameters a row, far under Postgres' 65,535 per statement.
const COUNT_ROWS_PER_STATEMENT = 5_000

interface PreparedObservation {
  o: LogTemplateObservation
  severity: number
  buckets: BucketCount[]
}

/** Two observations of one text in one analysis: as two upserts in turn would leave it. */
function mergeObservations<P extends PreparedObservation>(a: P, b: P): P {
  const o = {
    ...a.o,
    // biome-ignore lint/complexity/useMathMinMax: these are Dates, and Math.min would turn them into numbers
    firstSeenAt: a.o.firstSeenAt < b.o.firstSeenAt ? a.o.firstSeenAt : b.o.firstSeenAt,
    // biome-ignore lint/complexity/useMathMinMax: Dates, as above
    lastSeenAt: a.o.lastSeenAt > b.o.lastSeenAt ? a.o.lastSeenAt : b.o.lastSeenAt,
  }
  return { ...a, o, severity: Math.max(a.severity, b.severity), buckets: [...a.buckets, ...b.buckets] }
}

/** One row per (template, bucket), the larger count: a statement may not update a row twice. */
function mergeCounts(list: Array<{ id: number; buckets: BucketCount[] }>): Array<{ templateId: number; bucketStart: Date; count: number }> {
  const byKey = new Map<string, { templateId: number; bucketStart: Date; count: number }>()
  for (const { id, buckets } of list) {
    for (const b of buckets) {
      const key = `${id}:${b.start.getTime()}`
      const seen = byKey.get(key)
      if (!seen || seen.count < b.count) byKey.set(key, { templateId: id, bucketStart: b.start, count: b.count })
    }
  }
  return [...byKey.values()]
}

/** The advisory lock that serialises the writes of one service's statistics. */
function serviceLockKey(service: string) {
  return sql`hashtextextended(${`log_templates:${service}`}, 0)`
}

/** Serialises the writes of one service's statistics until the transaction ends. */
async function lockServiceLogTemplates(tx: Database, service: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${serviceLockKey(service)})`)
}

/**
 * Prunes every service's statistics older than `before`, services no longer analysed included, one
 * service at a time under the lock its writes take (so a prune and a write never deadlock).
 */
export async function pruneLogHistory(db: Database, before: Date): Promise<{ services: number }> {
  const rows = await db
    .select({ service: logTemplates.service })
    .from(logTemplates)
    .union(db.select({ service: logObservedBuckets.service }).from(logObservedBuckets))
  const services = rows.map((r) => r.service)
  for (const service of services) {
    await db.transaction(async (tx) => {
      await lockServiceLogTemplates(tx as unknown as Database, service)
      await pruneServiceLogTemplates(tx as unknown as Database, service, before)
    })
  }
  return { services: services.length }
}

/** Deletes the service's counts and observed buckets before `before`, and its templates last seen before it. */
export async function pruneServiceLogTemplates(db: Database, service: string, before: Date): Promise<void> {
  const ofService = db.select({ id: logTemplates.id }).from(logTemplates).where(eq(logTemplates.service, service))
  await db.delete(logTemplateCounts).where(and(inArray(logTemplateCounts.templateId, ofService), lt(logTemplateCounts.bucketStart, before)))
  await db.delete(logObservedBuckets).where(and(eq(logObservedBuckets.service, service), lt(logObservedBuckets.bucketStart, before)))
  await db.delete(logTemplates).where(and(eq(logTemplates.service, service), lt(logTemplates.lastSeenAt, before)))
}

/** How far back "the same error as INC-…" looks: a year covers quarterly and yearly recurrences. */
const ERROR_LOOKBACK_MS = 365 * DAY_MS

/** Replaces the errors stored for an incident: a re-analysis leaves one set, not two. */
export async function replaceIncidentErrorSightings(db: Database, incidentId: string, sightings: ErrorSighting[]): Promise<void> {
  const rows = sightings.slice(0, MAX_SIGHTINGS_PER_INCIDENT).map((s) => ({
    incidentId,
    service: s.service,
    template: storableText(s.template),
    example: storableText(s.example),
    errorGroupId: s.errorGroupId === null ? null : storableText(s.errorGroupId),
    occurrences: Math.max(1, Math.min(2_000_000_000, Math.round(s.occurrences) || 1)),
    seenAt: s.seenAt,
  }))
  // One statement: the old sightings go and the new ones come together.
  await writeTogether(db, [
    db.delete(incidentErrorSightings).where(eq(incidentErrorSightings.incidentId, incidentId)),
    rows.length > 0 && db.insert(incidentErrorSightings).values(rows),
  ])
}

/**
 * The errors stored for incidents that started before `before` on any of `services`, newest
 * incidents first, at most `limit` sightings, grouped by incident.
 */
export async function listEarlierIncidentErrors(
  db: Database,
  query: { before: Date; excludeIncidentId: string; services: string[]; limit?: number },
): Promise<PastIncidentErrors[]> {
  if (query.services.length === 0) return []
  const rows = await db
    .select({
      incidentId: incidents.id,
      number: incidents.number,
      title: incidents.title,
      startedAt: incidents.startedAt,
      resolution: incidents.resolution,
      resolutionOutcome: incidents.resolutionOutcome,
      service: incidentErrorSightings.service,
      template: incidentErrorSightings.template,
      example: incidentErrorSightings.example,
      errorGroupId: incidentErrorSightings.errorGroupId,
      occurrences: incidentErrorSightings.occurrences,
      seenAt: incidentErrorSightings.seenAt,
    })
    .from(incidentErrorSightings)
    .innerJoin(incidents, eq(incidents.id, incidentErrorSightings.incidentId))
    .where(
      and(
        lt(incidents.startedAt, query.before),
        ne(incidents.id, query.excludeIncidentId),
        inArray(incidentErrorSightings.service, query.services),
        // Bounded in time on the (service, seen_at) index: the cost stays flat as the history grows.
        gte(incidentErrorSightings.seenAt, new Date(query.before.getTime() - ERROR_LOOKBACK_MS)),
      ),
    )
    .orderBy(desc(incidents.startedAt), desc(incidentErrorSightings.occurrences))
    .limit(query.limit ?? 2000)
  const byIncident = new Map<string, PastIncidentErrors>()
  for (const r of rows) {
    let incident = byIncident.get(r.incidentId)
    if (!incident) {
      incident = {
        incidentId: r.incidentId,
        number: r.number,
        title: r.title,
        startedAt: r.startedAt,
        resolution: r.resolution,
        resolutionOutcome: r.resolutionOutcome,
        sightings: [],
      }
      byIncident.set(r.incidentId, incident)
    }
    incident.sightings.push({
      service: r.service,
      template: r.template,
      example: r.example,
      errorGroupId: r.errorGroupId,
      occurrences: r.occurrences,
      seenAt: r.seenAt,
    })
  }
  return [...byIncident.values()]
}
