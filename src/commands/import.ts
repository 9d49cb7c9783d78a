import { ColumnMappingError, HISTORY_FORMATS, type HistoryFormat } from '../core/incidents/history-import/column-mapping'
import { HISTORY_FIELDS, type RowProblem } from '../core/incidents/history-import/imported-incident'
import { type ImportProgress, type ImportReport, importHistory } from '../core/incidents/history-import/import-history'
import { truncateText } from '../core/truncate-text'
import { loadCommandConfig, UsageError, type CliCommand } from './command'

const USAGE = `sre-agent import <file|folder> [--format auto|${HISTORY_FORMATS.join('|')}] [--map field=column …] [--dry-run]

Loads the team's past incidents into DATABASE_URL, so that the first alerts are already matched
against the history: each is stored resolved, embedded with the configured embedder and indexed
for the hybrid search. Formats (auto-detected from the name and the header):
  csv        any CSV with a header row; columns matched by name (title, service, severity, started,
             resolved, summary, root_cause, resolution, outcome, postmortem, external_id, link)
  jsonl      one JSON object a line, the same names (nested objects as service.summary)
  jira       Jira's issue CSV export (Issue key, Summary, Priority, Created, Resolved, Resolution, Description)
  pagerduty  PagerDuty's incident CSV export (id, incident_number, title/description, service_name,
             urgency/priority, created_on/created_at, resolved_on/resolved_at, html_url)
  markdown   a postmortem, or a folder of them: YAML front matter and "Root cause", "Resolution" sections
--map field=column reads a field from another column (repeatable), e.g. --map title=Headline.
Fields: ${HISTORY_FIELDS.join(', ')}.
Idempotent by external id: importing again updates the incidents, never duplicates them. A bad row is
reported with its line and the reason, and the rest still load (exit status 1 when any row was bad).
--dry-run reads the file and the database, counts what would be new, updated and bad, shows the first
rows as they would be stored, and writes nothing.`

/** Progress on stderr at most this often (and after the last batch) when the file has more rows than one batch. */
const PROGRESS_EVERY_MS = 2_000
const BATCH = 500
const PREVIEW_CHARS = 300

interface ImportArgs {
  path: string
  format: HistoryFormat | 'auto'
  maps: string[]
  dryRun: boolean
}

export function parseImportArgs(args: string[]): ImportArgs {
  let path: string | undefined
  let format: ImportArgs['format'] = 'auto'
  const maps: string[] = []
  let dryRun = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const value = (name: string) => {
      const v = arg.includes('=') ? arg.slice(name.length + 1) : args[++i]
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value\n\n${USAGE}`)
      return v
    }
    if (arg === '--dry-run') dryRun = true
    else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE)
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const v = value('--format')
      if (v !== 'auto' && !HISTORY_FORMATS.includes(v as HistoryFormat))
        throw new UsageError(`--format is one of auto, ${HISTORY_FORMATS.join(', ')}, not "${v}"\n\n${USAGE}`)
      format = v as ImportArgs['format']
    } else if (arg === '--map' || arg.startsWith('--map=')) maps.push(value('--map'))
    else if (arg.startsWith('-')) throw new UsageError(`unknown flag ${arg}\n\n${USAGE}`)
    else if (path === undefined) path = arg
    else throw new UsageError(`one file or folder at a time ("${path}", then "${arg}")\n\n${USAGE}`)
  }
  if (path === undefined) throw new UsageError(`name the file or folder to import\n\n${USAGE}`)
  return { path, format, maps, dryRun }
}

const count = (n: number) => n.toLocaleString('en-US')
const where = (p: RowProblem) => `${p.file ? `${p.file}:` : 'line '}${p.line}`

const command: CliCommand = {
  summary: 'load past incidents from CSV, JSON lines, Jira, PagerDuty or Markdown postmortems (sre-agent import <file|folder> …)',
  usage: USAGE,
  async run(args) {
    const options = parseImportArgs(args)
    const config = loadCommandConfig('import')
    if (!config) return 78 // EX_CONFIG
    if (config.DATABASE_URL === 'pglite://memory') {
      process.stderr.write('sre-agent import: DATABASE_URL is not set (or names an in-memory database, empty at every start): nowhere to import to\n')
      return 78 // EX_CONFIG
    }
    const { readHistorySource } = await import('../storage/history-files')
    const source = await readHistorySource(options.path, { format: options.format, maps: options.maps }).catch((err: unknown) => {
      throw err instanceof ColumnMappingError ? new UsageError(`${err.message}\n\n${USAGE}`) : err
    })
    const [{ openDatabase, migrateDatabase }, { embedderFor }, { importedIncidentStore, IMPORT_BATCH }] = await Promise.all([
      import('../storage/database'),
      import('../runtime'),
      import('../storage/repositories/imported-incidents'),
    ])
    const embedder = await embedderFor(config)
    const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
    const err = process.stderr
    try {
      // The embedded database is migrated by whoever opens it (as the runtime does); Postgres by `sre-agent migrate`.
      if (handle.kind === 'pglite') await migrateDatabase(handle)
      const total = source.rows.length
      err.write(`Read ${count(total)} row(s) from ${options.path} (${source.format}${source.files > 1 ? `, ${count(source.files)} files` : ''}).\n`)
      let lastShown = performance.now()
      const report = await importHistory(
        source.rows,
        embedder,
        importedIncidentStore(handle.db, () => new Date()),
        {
          dryRun: options.dryRun,
          batchSize: Math.min(BATCH, IMPORT_BATCH),
          clock: () => performance.now(),
          onBatch: (p) => {
            if (p.of <= BATCH || (performance.now() - lastShown < PROGRESS_EVERY_MS && p.done < p.of)) return
            lastShown = performance.now()
            err.write(`  ${progressLine(p)}\n`)
          },
        },
      )
      printReport(report, options.path, embedder.name)
      return report.problems.length > 0 ? 1 : 0
    } finally {
      await handle.close()
    }
  },
}
export default command

function progressLine(p: ImportProgress): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.done / p.elapsedMs) * 1000) : 0
  return `${count(p.done)} of ${count(p.of)} incidents written (${count(p.inserted)} new, ${count(p.updated)} updated), ${count(rate)} rows/s`
}

function printReport(report: ImportReport, path: string, model: string): void {
  const out = process.stdout
  const bad = report.problems.length
  if (report.dryRun) {
    out.write(`Dry run of ${path}: ${count(report.inserted)} new, ${count(report.updated)} to update, ${count(bad)} bad row(s). Nothing was written.\n`)
    for (const p of report.preview) {
      const { place, existing, ...incident } = p
      // Long texts cut for the screen; they are stored whole (up to the field's limit).
      const shown = Object.fromEntries(Object.entries(incident).map(([k, v]) => [k, typeof v === 'string' ? truncateText(v, PREVIEW_CHARS) : v]))
      out.write(`\n${where({ ...place, reason: '' })} (${existing ? 'update' : 'new'}):\n${JSON.stringify(shown, null, 2)}\n`)
    }
  } else {
    const rate = report.elapsedMs > 0 ? Math.round((report.incidents / report.elapsedMs) * 1000) : 0
    out.write(
      `Imported ${count(report.incidents)} incident(s) from ${path}: ${count(report.inserted)} new, ${count(report.updated)} updated, ` +
        `${count(bad)} bad row(s); embedded with ${model}, searchable now (${(report.elapsedMs / 1000).toFixed(1)} s, ${count(rate)} rows/s).\n`,
    )
    if (report.unembedded > 0)
      out.write(
        `${count(report.unembedded)} incident(s) were stored without an embedding (${report.embedderFailure ?? 'unusable vector'}): ` +
          'vector search cannot see them until `sre-agent reembed` embeds them (workers also do at start-up).\n',
      )
  }
  if (bad === 0) return
  process.stderr.write(`${count(bad)} row(s) left out:\n`)
  for (const p of report.problems.slice(0, 50)) process.stderr.write(`  ${where(p)}: ${p.reason}\n`)
  if (bad > 50) process.stderr.write(`  and ${count(bad - 50)} more\n`)
}
