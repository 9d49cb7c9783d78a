import { eq } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findLogPatternShifts } from '../../src/core/analysis/logs/log-pattern-shifts'
import type { LogTemplateObservation } from '../../src/core/analysis/logs/log-template-history'
import type { Database } from '../../src/storage/database'
import {
  getLogTemplateHistory,
  listEarlierIncidentErrors,
  pruneLogHistory,
  pruneServiceLogTemplates,
  replaceIncidentErrorSightings,
  upsertLogTemplateObservations,
} from '../../src/storage/repositories/log-templates'
import { logTemplateCounts, logTemplates } from '../../src/storage/schema'
import { createPastIncident } from '../support/seed-incidents'
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from '../support/test-database'

const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 12, 0) + minute * 60_000)
const everything = { start: at(-100_000), end: at(100_000) }
const limits = { maxTemplatesPerService: 100, retainSince: at(-14 * 24 * 60) }
const observation = (template: string, buckets: Array<[number, number]>, overrides: Partial<LogTemplateObservation> = {}): LogTemplateObservation => ({
  storedId: null,
  template,
  maxSeverity: 'WARNING',
  firstSeenAt: at(buckets[0]![0]),
  lastSeenAt: at(buckets[buckets.length - 1]![0]),
  buckets: buckets.map(([minute, count]) => ({ start: at(minute), count })),
  ...overrides,
})

describe('log template statistics in Postgres', () => {
  let database: TestDatabase
  let db: Database

  beforeAll(async () => {
    database = await createTestDatabase()
    db = database.handle.db
  })
  afterAll(async () => {
    await database?.drop()
  })

  describe('upsertLogTemplateObservations', () => {
    it('does not double count when the same analysis is stored twice', async () => {
      const observations = [
        observation('slow query took <*> ms', [
          [0, 4],
          [5, 2],
        ]),
        observation('cache miss for key <*>', [[5, 1]]),
      ]
      await upsertLogTemplateObservations(db, 'rerun-api', observations, [at(0), at(5)], limits)
      await upsertLogTemplateObservations(db, 'rerun-api', observations, [at(0), at(5)], limits)
      const history = await getLogTemplateHistory(db, 'rerun-api', everything, 100)
      expect(history.templates.map((t) => [t.template, t.buckets.map((b) => b.count)]).sort()).toEqual([
        ['cache miss for key <*>', [1]],
        ['slow query took <*> ms', [4, 2]],
      ])
      expect(history.observedBuckets).toEqual([at(0), at(5)])
    })

    it('stands aside, storing nothing and waiting for nothing, while another analysis of the service is writing', async () => {
      const holder = postgres(database.url, { max: 1, onnotice: () => {} })
      try {
        await holder.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(hashtextextended(${'log_templates:storm-api'}, 0))`
          expect(await upsertLogTemplateObservations(db, 'storm-api', [observation('queue full, dropping <*>', [[0, 3]])], [at(0)], limits)).toEqual({
            stored: 0,
            dropped: 0,
            busy: true,
          })
        })
      } finally {
        await holder.end({ timeout: 2 })
      }
      expect((await getLogTemplateHistory(db, 'storm-api', everything, 100)).templates).toEqual([])
      expect(await upsertLogTemplateObservations(db, 'storm-api', [observation('queue full, dropping <*>', [[0, 3]])], [at(0)], limits)).toMatchObject({
        stored: 1,
        busy: false,
      })
    })

    it('keeps the larger count of a bucket counted by two fetches, and widens first and last seen', async () => {
      await upsertLogTemplateObservations(db, 'overlap-api', [observation('disk almost full on <*>', [[0, 3]])], [], limits)
      await upsertLogTemplateObservations(
        db,
        'overlap-api',
        [
          observation(
            'disk almost full on <*>',
            [
              [-5, 1],
              [0, 7],
            ],
            { maxSeverity: 'ERROR' },
          ),
        ],
        [],
        limits,
      )
      await upsertLogTemplateObservations(
        db,
        'overlap-api',
        [
          observation('disk almost full on <*>', [
            [0, 2],
            [10, 1],
          ]),
        ],
        [],
        limits,
      )
      const [row] = await db.select().from(logTemplates).where(eq(logTemplates.service, 'overlap-api'))
      expect(row).toMatchObject({ firstSeenAt: at(-5), lastSeenAt: at(10), maxSeverity: 3 })
      const counts = await db.select().from(logTemplateCounts).where(eq(logTemplateCounts.templateId, row!.id))
      expect(counts.map((c) => [c.bucketStart.getTime(), c.count]).sort()).toEqual(
        [
          [at(-5).getTime(), 1],
          [at(0).getTime(), 7],
          [at(10).getTime(), 1],
        ].sort(),
      )
    })

    it('gives a generalised template the stored row, keeping its id and counts', async () => {
      await upsertLogTemplateObservations(db, 'general-api', [observation('login failed for user alice', [[0, 2]])], [], limits)
      const [stored] = (await getLogTemplateHistory(db, 'general-api', everything, 100)).templates
      await upsertLogTemplateObservations(db, 'general-api', [observation('login failed for user <*>', [[5, 3]], { storedId: stored!.id })], [], limits)
      const { templates } = await getLogTemplateHistory(db, 'general-api', everything, 100)
      expect(templates).toEqual([expect.objectContaining({ id: stored!.id, template: 'login failed for user <*>' })])
      expect(templates[0]!.buckets.map((b) => b.count)).toEqual([2, 3])
    })

    it('stores at most the cap of templates per service, still counting the known ones', async () => {
      const capped = { ...limits, maxTemplatesPerService: 3 }
      await upsertLogTemplateObservations(
        db,
        'capped-api',
        ['a', 'b', 'c'].map((w) => observation(`event ${w} happened`, [[0, 1]])),
        [],
        capped,
      )
      const result = await upsertLogTemplateObservations(
        db,
        'capped-api',
        ['a', 'd', 'e'].map((w) => observation(`event ${w} happened`, [[5, 2]])),
        [],
        capped,
      )
      expect(result).toEqual({ stored: 1, dropped: 2, busy: false })
      const { templates } = await getLogTemplateHistory(db, 'capped-api', everything, 100)
      expect(templates.map((t) => t.template).sort()).toEqual(['event a happened', 'event b happened', 'event c happened'])
      expect(templates.find((t) => t.template === 'event a happened')!.buckets.map((b) => b.count)).toEqual([1, 2])
    })

    it("prunes a service's counts, observed buckets and templates older than the retention", async () => {
      await upsertLogTemplateObservations(
        db,
        'old-api',
        [
          observation('gone soon', [[0, 1]]),
          observation('kept on', [
            [0, 1],
            [3000, 1],
          ]),
        ],
        [at(0), at(3000)],
        limits,
      )
      await pruneServiceLogTemplates(db, 'old-api', at(1000))
      const history = await getLogTemplateHistory(db, 'old-api', everything, 100)
      expect(history.templates.map((t) => [t.template, t.buckets.map((b) => b.start)])).toEqual([['kept on', [at(3000)]]])
      expect(history.observedBuckets).toEqual([at(3000)])
      // Other services keep theirs.
      expect((await getLogTemplateHistory(db, 'rerun-api', everything, 100)).templates).toHaveLength(2)
    })

    it('prunes every service past the retention, a service no longer analysed included, keeping what is recent', async () => {
      const old = at(-20 * 24 * 60)
      await upsertLogTemplateObservations(db, 'retired-api', [observation('legacy queue drained', [[-20 * 24 * 60, 2]])], [old], {
        ...limits,
        retainSince: at(-30 * 24 * 60),
      })
      await upsertLogTemplateObservations(
        db,
        'active-api',
        [
          observation('cache warm', [
            [-20 * 24 * 60, 1],
            [0, 3],
          ]),
        ],
        [old, at(0)],
        { ...limits, retainSince: at(-30 * 24 * 60) },
      )
      const { services } = await pruneLogHistory(db, limits.retainSince)
      expect(services).toBeGreaterThanOrEqual(2)
      expect((await getLogTemplateHistory(db, 'retired-api', everything, 100)).templates).toEqual([])
      const active = await getLogTemplateHistory(db, 'active-api', everything, 100)
      expect(active.templates.map((t) => [t.template, t.buckets.map((b) => [b.start, b.count])])).toEqual([['cache warm', [[at(0), 3]]]])
      expect(active.observedBuckets).toEqual([at(0)])
    })

    it('stores hostile lines (3 MB, binary, NUL bytes, empty) without failing, each template cut to 2 KB', async () => {
      const garbage = String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 7919 + 1) % 65536))
      const entries = [`payload ${'x'.repeat(3_000_000)}`, garbage, 'nul\u0000inside\u0000this line', '', '\ud800 lone surrogate here'].map((message, i) => ({
        at: at(i),
        service: 'hostile-api',
        severity: 'ERROR' as const,
        message,
      }))
      const { observations, observedBuckets } = findLogPatternShifts({
        before: null,
        now: { start: at(0), end: at(10), entries, complete: true },
        history: null,
        deploys: [],
      })
      await upsertLogTemplateObservations(db, 'hostile-api', observations, observedBuckets, limits)
      const { templates } = await getLogTemplateHistory(db, 'hostile-api', everything, 100)
      expect(templates.length).toBeGreaterThanOrEqual(3)
      expect(templates.every((t) => t.template.length <= 2048 && !t.template.includes('\u0000'))).toBe(true)
      expect(templates.some((t) => t.template.startsWith('payload x'))).toBe(true)
    })
  })

  it('works the same on embedded PGlite (one connection, same migrations)', async () => {
    const pglite = await createPgliteDatabase()
    try {
      const observations = [observation('slow query took <*> ms', [[0, 4]])]
      await upsertLogTemplateObservations(pglite.db, 'payment-api', observations, [at(0)], limits)
      await upsertLogTemplateObservations(pglite.db, 'payment-api', observations, [at(0)], limits)
      const history = await getLogTemplateHistory(pglite.db, 'payment-api', everything, 100)
      expect(history.templates.map((t) => [t.template, t.buckets.map((b) => b.count)])).toEqual([['slow query took <*> ms', [4]]])
    } finally {
      await pglite.close()
    }
  })

  describe('incident error sightings', () => {
    it("replaces an incident's errors on a re-run and lists only earlier incidents on the given services", async () => {
      const first = await createPastIncident(db, {
        title: 'payments failing',
        service: 'payment-api',
        startedAt: at(-3000),
        resolution: 'rolled back v41',
        resolutionOutcome: 'worked',
      })
      const second = await createPastIncident(db, { title: 'payments failing again', service: 'payment-api', startedAt: at(-1000) })
      const later = await createPastIncident(db, { title: 'after the one analysed', service: 'payment-api', startedAt: at(500) })
      const sighting = (example: string, service = 'payment-api') => ({
        service,
        template: example,
        example,
        errorGroupId: null,
        occurrences: 3,
        seenAt: at(-1000),
      })
      await replaceIncidentErrorSightings(db, first.id, [sighting('card 1234 declined: gateway timeout'), sighting('inventory lookup failed', 'inventory-api')])
      await replaceIncidentErrorSightings(db, second.id, [sighting('stale value')])
      await replaceIncidentErrorSightings(db, second.id, [
        sighting('card 9876 declined: gateway timeout'),
        { ...sighting('NullPointerException in Tokenizer'), errorGroupId: 'g-7' },
      ])
      await replaceIncidentErrorSightings(db, later.id, [sighting('card 5555 declined: gateway timeout')])

      const earlier = await listEarlierIncidentErrors(db, { before: at(0), excludeIncidentId: second.id, services: ['payment-api'] })
      expect(earlier.map((e) => [e.number, e.resolution, e.sightings.map((s) => s.example)])).toEqual([
        [first.number, 'rolled back v41', ['card 1234 declined: gateway timeout']],
      ])
      const all = await listEarlierIncidentErrors(db, { before: at(0), excludeIncidentId: later.id, services: ['payment-api', 'inventory-api'] })
      expect(all.map((e) => e.number)).toEqual([second.number, first.number])
      expect(all[0]!.sightings.map((s) => [s.example, s.errorGroupId]).sort()).toEqual([
        ['NullPointerException in Tokenizer', 'g-7'],
        ['card 9876 declined: gateway timeout', null],
      ])
    })

    it('looks back a year, not over the whole history', async () => {
      const year = 365 * 24 * 60
      const old = await createPastIncident(db, { title: 'queue stuck long ago', service: 'billing-api', startedAt: at(-year - 60) })
      const recent = await createPastIncident(db, { title: 'queue stuck last month', service: 'billing-api', startedAt: at(-30 * 24 * 60) })
      for (const incident of [old, recent])
        await replaceIncidentErrorSightings(db, incident.id, [
          { service: 'billing-api', template: 'queue stuck', example: 'queue stuck', errorGroupId: null, occurrences: 1, seenAt: incident.startedAt },
        ])
      const earlier = await listEarlierIncidentErrors(db, { before: at(0), excludeIncidentId: recent.id, services: ['billing-api'] })
      expect(earlier).toEqual([])
      const found = await listEarlierIncidentErrors(db, { before: at(0), excludeIncidentId: old.id, services: ['billing-api'] })
      expect(found.map((e) => e.number)).toEqual([recent.number])
    })
  })
})
