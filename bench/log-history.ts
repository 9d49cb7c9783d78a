/**
 * Cost of the log-history step of one analysis for a service at its template cap, on real
 * Postgres: a fresh temporary database is filled with --templates stored templates of one service,
 * each counted in one 5-minute bucket per hour over the previous 7 days, every bucket observed.
 * One analysis then (1) mines 500 warnings of the hour before and 200 of the window (40 templates,
 * 10 of them new), (2) reads the stored templates and observed buckets of the previous 7 days and the
 * counts of the templates it matched, (3) compares, and (4) stores its observations. Each phase runs once unmeasured, then --runs times; it prints every
 * run and the median, then drops the database.
 * Run: npm run bench:log-history -- [--templates 2000] [--runs 7]
 * (TEST_DATABASE_URL or DATABASE_URL override postgres://postgres@127.0.0.1:5432/test.)
 */
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { readMatchedLogHistory } from '../src/core/analysis/log-history-evidence'
import { compareLogPatterns, matchedStoredTemplateIds, mineLogSamples, type LogSample } from '../src/core/analysis/logs/log-pattern-shifts'
import { LOG_BUCKET_MS, type LogTemplateObservation } from '../src/core/analysis/logs/log-template-history'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../src/core/durations'
import type { LogEntry } from '../src/core/telemetry/port'
import { listLogTemplateCounts, listLogTemplates, upsertLogTemplateObservations } from '../src/storage/repositories/log-templates'
import { createTestDatabase } from '../test/support/test-database'

const { values: flags } = parseArgs({ options: { templates: { type: 'string', default: '2000' }, runs: { type: 'string', default: '7' } } })
const TEMPLATES = Number(flags.templates)
const RUNS = Number(flags.runs)
if (!Number.isInteger(TEMPLATES) || TEMPLATES < 1 || !Number.isInteger(RUNS) || RUNS < 1) {
  process.stderr.write('--templates and --runs must be positive integers\n')
  process.exit(64)
}

const WORDS =
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber birch cedar dune ember fjord glade harbor island jasper knoll lagoon meadow'.split(
    ' ',
  )
const SERVICE = 'payment-api'
const windowStart = new Date(Math.floor(Date.UTC(2026, 2, 10, 14, 0) / LOG_BUCKET_MS) * LOG_BUCKET_MS)
const limits = { maxTemplatesPerService: TEMPLATES + 100, retainSince: new Date(windowStart.getTime() - 14 * DAY_MS) }

const database = await createTestDatabase()
try {
  const db = database.handle.db
  // Seed in chunks: every template counted once an hour for 7 days, every bucket observed.
  const seedStart = new Date(windowStart.getTime() - 7 * DAY_MS)
  const observed = Array.from({ length: (7 * DAY_MS) / LOG_BUCKET_MS }, (_, i) => new Date(seedStart.getTime() + i * LOG_BUCKET_MS))
  const seeded = performance.now()
  for (let from = 0; from < TEMPLATES; from += 200) {
    const chunk: LogTemplateObservation[] = []
    for (let i = from; i < Math.min(TEMPLATES, from + 200); i++) {
      const buckets = Array.from({ length: 7 * 24 }, (_, h) => ({
        start: new Date(seedStart.getTime() + h * HOUR_MS + (i % 12) * LOG_BUCKET_MS),
        count: 1 + (i % 3),
      }))
      chunk.push({
        storedId: null,
        template: `${WORDS[i % WORDS.length]} stage ${WORDS[Math.floor(i / WORDS.length) % WORDS.length]} batch ${i} took <*> ms`,
        maxSeverity: 'WARNING',
        firstSeenAt: buckets[0]!.start,
        lastSeenAt: buckets[buckets.length - 1]!.start,
        buckets,
      })
    }
    await upsertLogTemplateObservations(db, SERVICE, chunk, from === 0 ? observed : [], limits)
  }
  process.stdout.write(
    `seeded ${TEMPLATES} templates × ${7 * 24} buckets and ${observed.length} observed buckets of ${SERVICE} in ${((performance.now() - seeded) / 1000).toFixed(1)} s\n`,
  )
  process.stdout.write(`node ${process.version}, ${RUNS} measured runs per phase after one warm-up run\n\n`)

  const entry = (at: number, message: string): LogEntry => ({ at: new Date(at), service: SERVICE, severity: 'WARNING', message })
  // 30 of the stored shapes (with their numbers varying) and 10 new ones.
  const known = (i: number, ms: number) => `${WORDS[i % WORDS.length]} stage ${WORDS[Math.floor(i / WORDS.length) % WORDS.length]} batch ${i} took ${ms} ms`
  const fresh = (i: number) => `${WORDS[i % 10]} ${WORDS[(i % 10) + 10]} failed for order ${1000 + i} with ${WORDS[(i % 10) + 20]}`
  const before: LogSample = {
    start: new Date(windowStart.getTime() - HOUR_MS),
    end: windowStart,
    complete: true,
    entries: Array.from({ length: 500 }, (_, i) => entry(windowStart.getTime() - HOUR_MS + i * 7_000, known(i % 30, 100 + i))),
  }
  const now: LogSample = {
    start: windowStart,
    end: new Date(windowStart.getTime() + 10 * MINUTE_MS),
    complete: true,
    entries: Array.from({ length: 200 }, (_, i) => entry(windowStart.getTime() + i * 3_000, i % 2 ? known(i % 30, 900 + i) : fresh(i))),
  }
  const range = { start: new Date(windowStart.getTime() - 7 * DAY_MS), end: windowStart }

  const mine = await measure(async () => mineLogSamples(before, now))
  const mined = mineLogSamples(before, now)
  const storage = {
    listLogTemplates: (service: string, r: typeof range) => listLogTemplates(db, service, r, TEMPLATES),
    listLogTemplateCounts: (ids: number[], r: typeof range) => listLogTemplateCounts(db, ids, r),
  }
  const readHistory = () => readMatchedLogHistory(storage, SERVICE, range, (stored) => matchedStoredTemplateIds(mined, stored))
  const read = await measure(readHistory)
  const history = await readHistory()
  const countRows = history.templates.reduce((n, t) => n + t.buckets.length, 0)
  const compare = await measure(async () => compareLogPatterns(mined, history, []))
  const analysis = compareLogPatterns(mined, history, [])
  const store = await measure(() => upsertLogTemplateObservations(db, SERVICE, analysis.observations, analysis.observedBuckets, limits))

  process.stdout.write(`mine 700 warnings (${mined.templates.length} templates): ${report(mine)}\n`)
  process.stdout.write(
    `read ${history.templates.length} stored templates, ${history.observedBuckets.length} observed buckets and the ${countRows} counts of the ${history.templates.filter((t) => t.buckets.length).length} matched: ${report(read)}\n`,
  )
  process.stdout.write(
    `compare (${analysis.observations.length} templates, ${analysis.shifts.length} shifts, baseline ${analysis.baseline?.description}): ${report(compare)}\n`,
  )
  process.stdout.write(`store observations (idempotent upsert of ${analysis.observations.length} templates): ${report(store)}\n`)
} finally {
  await database.drop()
}

async function measure(run: () => Promise<unknown>): Promise<number[]> {
  await run()
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    await run()
    times.push(performance.now() - t)
  }
  return times
}

function report(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b)
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(1)).join(', ')})`
}
