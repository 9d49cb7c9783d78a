import { describeStale, reembedIncidents } from '../core/correlation/reembed-incidents'
import { REEMBED_BATCH } from '../workers/processors/history-reembed'
import { loadCommandConfig, UsageError, type CliCommand } from './command'

const USAGE = `sre-agent reembed [--batch N] [--dry-run]

Embeds again, with the configured embedder (EMBEDDINGS_PROVIDER, EMBEDDINGS_MODEL,
EMBEDDINGS_DIMENSIONS), every incident in DATABASE_URL whose embedding is missing or was
made by another model: vector search compares only vectors of the running model, so those
incidents are found by keywords and structured signals alone until then. --batch sets how
many are embedded and saved at a time (default ${REEMBED_BATCH}, at most 1000); --dry-run only counts them.
Safe to interrupt and run again; incidents the embedder fails on are listed and left for the
next run. Workers do the same in the background at start-up.`

function parseArgs(args: string[]): { batch: number; dryRun: boolean } {
  let batch = REEMBED_BATCH
  let dryRun = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--dry-run') dryRun = true
    else if (arg === '--batch' || arg.startsWith('--batch=')) {
      const value = arg.includes('=') ? arg.slice('--batch='.length) : args[++i]
      const n = Number(value)
      if (!value || !Number.isInteger(n) || n < 1 || n > 1000)
        throw new UsageError(`--batch needs a whole number from 1 to 1000, not "${value ?? ''}"\n\n${USAGE}`)
      batch = n
    } else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE)
    else throw new UsageError(`unexpected argument "${arg}"\n\n${USAGE}`)
  }
  return { batch, dryRun }
}

const command: CliCommand = {
  summary: 're-embed incidents whose embedding is missing or from another model (sre-agent reembed [--batch N] [--dry-run])',
  usage: USAGE,
  async run(args) {
    const { batch, dryRun } = parseArgs(args)
    const config = loadCommandConfig('reembed')
    if (!config) return 78 // EX_CONFIG
    if (config.DATABASE_URL === 'pglite://memory') {
      process.stderr.write('sre-agent reembed: DATABASE_URL is not set (or names an in-memory database, empty at every start): nothing to re-embed\n')
      return 78 // EX_CONFIG
    }
    const [{ openDatabase, migrateDatabase }, { embedderFor }, { incidentEmbeddingStore }] = await Promise.all([
      import('../storage/database'),
      import('../runtime'),
      import('../storage/repositories/incident-embeddings'),
    ])
    const embedder = await embedderFor(config)
    const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
    try {
      // The embedded database is migrated by whoever opens it (as the runtime does); Postgres by `sre-agent migrate`.
      if (handle.kind === 'pglite') await migrateDatabase(handle)
      const out = process.stdout
      const report = await reembedIncidents(embedder, incidentEmbeddingStore(handle.db), {
        batchSize: batch,
        dryRun,
        onBatch: (p) => out.write(`  ${p.embedded.toLocaleString('en-US')} embedded, ${p.failed} failed, of ${p.of.toLocaleString('en-US')}\n`),
      })
      if (dryRun) {
        out.write(
          `${report.before.total.toLocaleString('en-US')} incident(s) to embed with ${report.model}` +
            `${report.before.total ? `: ${describeStale(report.before)}` : ''} (dry run, nothing written)\n`,
        )
        return 0
      }
      if (report.before.total === 0) {
        out.write(`Every incident is embedded with ${report.model}: nothing to do.\n`)
        return 0
      }
      out.write(
        `Embedded ${report.embedded.toLocaleString('en-US')} of ${report.before.total.toLocaleString('en-US')} incident(s) ` +
          `with ${report.model} (were: ${describeStale(report.before)}).\n`,
      )
      if (report.failed.length) {
        process.stderr.write(`${report.failed.length} incident(s) could not be embedded and were left as they were; run again later:\n`)
        for (const f of report.failed.slice(0, 20)) process.stderr.write(`  INC-${f.number}: ${f.reason}\n`)
        if (report.failed.length > 20) process.stderr.write(`  and ${report.failed.length - 20} more\n`)
        return 1
      }
      return 0
    } finally {
      await handle.close()
    }
  },
}
export default command
