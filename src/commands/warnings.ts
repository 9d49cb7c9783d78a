import { DAY_MS } from '../core/durations'
import { parseTimestampText } from '../core/timestamp-text'
import { warningStatsText } from '../core/warnings/warning-stats-text'
import { loadCommandConfig, readFlags, UsageError, type CliCommand } from './command'

const USAGE = `sre-agent warnings stats [--since <time>] [--until <time>] [--format table|json]

How the proactive warnings of the telemetry scan did, from DATABASE_URL: warnings posted in
[--since, --until) by what became of them (confirmed by an incident within the horizon, false
alarm, open), precision (confirmed / decided), recall (incidents a warning preceded / incidents
naming a service, imports left out), median lead time and false alarms per service per week.
Times are ISO 8601 (a date alone is its midnight UTC); the default is the last 7 days.`

const command: CliCommand = {
  summary: 'how accurate the proactive warnings were (sre-agent warnings stats [--since t] [--until t])',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args
    if (sub !== 'stats') throw new UsageError(sub === undefined || sub === '--help' || sub === '-h' ? USAGE : `unknown subcommand "${sub}"\n\n${USAGE}`)
    const flags = readFlags(rest, { since: {}, until: {}, format: { default: 'table' } })
    if (flags.format !== 'table' && flags.format !== 'json') throw new UsageError('--format must be table or json')
    const until = flags.until === undefined ? new Date() : parseTimestampText(flags.until)
    if (!until) throw new UsageError(`--until "${flags.until}" is not a time (ISO 8601, e.g. 2026-12-06T09:00Z)`)
    const since = flags.since === undefined ? new Date(until.getTime() - 7 * DAY_MS) : parseTimestampText(flags.since)
    if (!since) throw new UsageError(`--since "${flags.since}" is not a time (ISO 8601, e.g. 2026-11-29)`)
    if (since.getTime() >= until.getTime()) throw new UsageError('--since must be before --until')
    const config = loadCommandConfig('warnings')
    if (!config) return 78 // EX_CONFIG
    if (config.DATABASE_URL === 'pglite://memory') {
      process.stderr.write('sre-agent warnings: DATABASE_URL is not set (or names an in-memory database, empty at every start): no warning to read\n')
      return 78
    }
    const [{ openDatabase }, { warningStatsFor }] = await Promise.all([import('../storage/database'), import('../storage/repositories/proactive-warnings')])
    const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
    try {
      const stats = await warningStatsFor(handle.db, { since, until })
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(stats, null, 2)}\n` : warningStatsText(stats))
      return 0
    } finally {
      await handle.close()
    }
  },
}
export default command
