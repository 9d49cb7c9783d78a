import { writeFile } from 'node:fs/promises'
import { ConfigError, loadConfig } from '../config'
import { parseIncidentLabel } from '../core/incidents/incident-label'
import { draftReview, reviewToMarkdown } from '../core/incidents/review'
import { readFlags, UsageError, type CliCommand } from './command'

const USAGE = `sre-agent review <INC-n> [--format markdown] [--out <file>]

Writes the post-incident review draft of an incident in DATABASE_URL as Markdown: summary, impact window,
detection, response times, the key events of the timeline, the recorded root cause, what the bot got right
and wrong, and the follow-up actions. Drafted from stored facts only: what was not recorded is said so.
To stdout unless --out names a file.`

const command: CliCommand = {
  summary: 'export the post-incident review draft as Markdown (sre-agent review INC-n [--format markdown] [--out file])',
  usage: USAGE,
  async run(args) {
    const [label, ...rest] = args
    if (!label || label === '--help' || label === '-h') throw new UsageError(USAGE)
    const number = parseIncidentLabel(label)
    if (number === null) throw new UsageError(`"${label}" is not an incident (INC-n)\n\n${USAGE}`)
    const flags = readFlags(rest, { format: { default: 'markdown' }, out: {} })
    if (flags.format !== 'markdown') throw new UsageError(`--format ${flags.format} is not supported: only markdown`)
    let config: ReturnType<typeof loadConfig>
    try {
      config = loadConfig(process.env, 'migrate')
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      process.stderr.write(`sre-agent review: ${err.message}\n`)
      return 78 // EX_CONFIG
    }
    if (config.DATABASE_URL === 'pglite://memory') {
      process.stderr.write('sre-agent review: DATABASE_URL is not set (or names an in-memory database, empty at every start): no incident to read\n')
      return 78 // EX_CONFIG
    }
    const [{ openDatabase }, { getIncidentByNumber }, { loadReviewInput }] = await Promise.all([
      import('../storage/database'),
      import('../storage/repositories/incidents'),
      import('../storage/repositories/incident-review'),
    ])
    const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
    try {
      const incident = await getIncidentByNumber(handle.db, number)
      if (!incident) {
        process.stderr.write(`sre-agent review: there is no INC-${number} in this database\n`)
        return 1
      }
      const markdown = reviewToMarkdown(draftReview(await loadReviewInput(handle.db, incident)))
      if (flags.out) {
        await writeFile(flags.out, markdown)
        process.stdout.write(`review of INC-${number} → ${flags.out}\n`)
      } else process.stdout.write(markdown)
      return 0
    } finally {
      await handle.close()
    }
  },
}
export default command
