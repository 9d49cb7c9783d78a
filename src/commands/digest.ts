import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { collectDigest, type DigestPeriod } from '../core/digest/compute-digest'
import type { DigestChartData } from '../core/digest/digest-chart-data'
import { scheduledDigestPeriod } from '../core/digest/digest-period'
import { digestToText } from '../core/digest/digest-text'
import { loadCommandConfig, readFlags, UsageError, type CliCommand } from './command'

const USAGE = `sre-agent digest --out <dir> [--since <ISO date>] [--until <ISO date>] [--demo]

Computes the trend digest of [--since, --until) from DATABASE_URL, against the period of the same length
before it, and writes into <dir>: digest.json (the Slack message, Block Kit), digest.txt (the same as
text), figures.json (every figure), chart-data.json (what the charts draw) and the charts as PNG files.
Without --since and --until: the 7 whole days before today, as the weekly schedule posts it. Days and
weeks are counted in DIGEST_TIMEZONE. --demo computes it on the demo's synthetic history in an
in-memory database instead (DATABASE_URL is not read).`

/** The demo's synthetic history: the same seed and size as \`npm run demo\`. */
const DEMO_HISTORY = { count: 60, seed: 7 }

const command: CliCommand = {
  summary: 'write the trend digest as Block Kit, text and PNG charts (sre-agent digest --out <dir> [--since d --until d] [--demo])',
  usage: USAGE,
  async run(args) {
    const demo = args.includes('--demo')
    const flags = readFlags(
      args.filter((a) => a !== '--demo'),
      { out: { required: true }, since: {}, until: {} },
    )
    if ((flags.since === undefined) !== (flags.until === undefined)) throw new UsageError(`--since and --until go together\n\n${USAGE}`)
    const config = loadCommandConfig('digest')
    if (!config) return 78 // EX_CONFIG
    const now = new Date()
    const timeZone = config.DIGEST_TIMEZONE
    let period: DigestPeriod = scheduledDigestPeriod(now, timeZone)
    if (flags.since !== undefined && flags.until !== undefined) {
      const since = parseDate(flags.since, '--since')
      const until = parseDate(flags.until, '--until')
      if (!(since < until)) throw new UsageError('--until must be after --since')
      period = { since, until, timeZone }
    }
    if (!demo && config.DATABASE_URL === 'pglite://memory') {
      process.stderr.write('sre-agent digest: DATABASE_URL names no database (set it, or pass --demo for the demo history)\n')
      return 78
    }
    const [{ openDatabase, migrateDatabase }, { loadDigestHistory }] = await Promise.all([
      import('../storage/database'),
      import('../storage/repositories/digest-history'),
    ])
    const handle = await openDatabase(demo ? 'pglite://memory' : config.DATABASE_URL, { poolSize: 1 })
    let computed: Awaited<ReturnType<typeof collectDigest>>
    try {
      if (demo) {
        await migrateDatabase(handle)
        const { seedPastIncidents } = await import('../storage/seed/seed-past-incidents')
        await seedPastIncidents(handle.db, { ...DEMO_HISTORY, now })
      }
      computed = await collectDigest((window) => loadDigestHistory(handle.db, window), period)
    } finally {
      await handle.close()
    }
    const { digest, charts } = computed
    const { buildDigestMessage } = await import('../slack/blocks/digest-blocks')
    await mkdir(flags.out!, { recursive: true })
    const written = ['digest.json', 'digest.txt', 'figures.json', 'chart-data.json']
    await writeFile(join(flags.out!, 'digest.json'), `${JSON.stringify(buildDigestMessage(digest), null, 2)}\n`)
    await writeFile(join(flags.out!, 'digest.txt'), digestToText(digest))
    await writeFile(join(flags.out!, 'figures.json'), `${JSON.stringify(digest, null, 2)}\n`)
    await writeFile(join(flags.out!, 'chart-data.json'), `${JSON.stringify(charts, null, 2)}\n`)
    written.push(...(await writeCharts(charts, flags.out!)))
    process.stdout.write(`Digest ${digest.period.label}: ${digest.incidents.total.current} incidents → ${flags.out} (${written.join(', ')})\n`)
    return 0
  },
}
export default command

/** Draws the charts into `dir`; returns the files written. */
async function writeCharts(charts: DigestChartData, dir: string): Promise<string[]> {
  const { renderDigestCharts } = await import('../integrations/render/digest-charts')
  const written: string[] = []
  for (const chart of await renderDigestCharts(charts)) {
    await writeFile(join(dir, `${chart.name}.png`), chart.png)
    written.push(`${chart.name}.png`)
  }
  return written
}

function parseDate(text: string, flag: string): Date {
  const at = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? new Date(text) : new Date(Number.NaN)
  if (Number.isNaN(at.getTime())) throw new UsageError(`${flag} must be an ISO date or time (2026-11-30 or 2026-11-30T09:00:00Z), not "${text}"`)
  return at
}
