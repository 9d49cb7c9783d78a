import { writeFile } from 'node:fs/promises'
import { parseIncidentLabel } from '../core/incidents/incident-label'
import type { Database } from '../storage/database'
import type { Incident } from '../storage/repositories/incidents'
import { loadCommandConfig, readFlags, UsageError, type CliCommand } from './command'

/** What one `sre-agent <name> INC-n [--format markdown] [--out file]` command writes about a stored incident. */
export interface IncidentMarkdownExport {
  name: string
  summary: string
  usage: string
  /** The Markdown, and the line said on stdout when it went to a file. */
  render(db: Database, incident: Incident): Promise<{ markdown: string; written: string }>
}

/** A CLI command that reads one incident from DATABASE_URL and writes `render`'s Markdown to stdout or --out. */
export function incidentMarkdownCommand(spec: IncidentMarkdownExport): CliCommand {
  const fail = (line: string, code: number) => {
    process.stderr.write(`sre-agent ${spec.name}: ${line}\n`)
    return code
  }
  return {
    summary: spec.summary,
    usage: spec.usage,
    async run(args) {
      const [label, ...rest] = args
      if (!label || label === '--help' || label === '-h') throw new UsageError(spec.usage)
      const number = parseIncidentLabel(label)
      if (number === null) throw new UsageError(`"${label}" is not an incident (INC-n)\n\n${spec.usage}`)
      const flags = readFlags(rest, { format: { default: 'markdown' }, out: {} })
      if (flags.format !== 'markdown') throw new UsageError(`--format ${flags.format} is not supported: only markdown`)
      const config = loadCommandConfig(spec.name)
      if (!config) return 78 // EX_CONFIG
      if (config.DATABASE_URL === 'pglite://memory')
        return fail('DATABASE_URL is not set (or names an in-memory database, empty at every start): no incident to read', 78)
      const [{ openDatabase }, { getIncidentByNumber }] = await Promise.all([import('../storage/database'), import('../storage/repositories/incidents')])
      const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
      try {
        const incident = await getIncidentByNumber(handle.db, number)
        if (!incident) return fail(`there is no INC-${number} in this database`, 1)
        const { markdown, written } = await spec.render(handle.db, incident)
        if (flags.out) {
          await writeFile(flags.out, markdown)
          process.stdout.write(`${written} → ${flags.out}\n`)
        } else process.stdout.write(markdown)
        return 0
      } finally {
        await handle.close()
      }
    },
  }
}
