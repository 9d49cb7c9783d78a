import { writeFile } from 'node:fs/promises'
import { ConfigError, loadConfig } from '../config'
import { collectIncidentTimeline } from '../core/incidents/collect-incident-timeline'
import { parseIncidentLabel } from '../core/incidents/incident-label'
import { timelineToMarkdown } from '../core/incidents/timeline-markdown'
import { readFlags, UsageError, type CliCommand } from './command'

const USAGE = `sre-agent timeline <INC-n> [--format markdown] [--out <file>]

Writes the timeline of an incident in DATABASE_URL as Markdown (times in ISO 8601, UTC): alerts,
acknowledgements and status updates, the analysis with its evidence, anomaly onsets, deploys found
around it, playbook steps, approvals and actions, pinned Slack messages and the recorded resolution.
To stdout unless --out names a file. Also stores the incident's detection time when it finds an earlier one.`

const command: CliCommand = {
  summary: 'export an incident timeline as Markdown (sre-agent timeline INC-n --format markdown [--out file])',
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
      process.stderr.write(`sre-agent timeline: ${err.message}\n`)
      return 78 // EX_CONFIG
    }
    if (config.DATABASE_URL === 'pglite://memory') {
      process.stderr.write('sre-agent timeline: DATABASE_URL is not set (or names an in-memory database, empty at every start): no incident to read\n')
      return 78 // EX_CONFIG
    }
    const [{ openDatabase }, { getIncidentByNumber }, { incidentTimelineStore }] = await Promise.all([
      import('../storage/database'),
      import('../storage/repositories/incidents'),
      import('../storage/repositories/incident-timeline'),
    ])
    const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
    try {
      const incident = await getIncidentByNumber(handle.db, number)
      if (!incident) {
        process.stderr.write(`sre-agent timeline: there is no INC-${number} in this database\n`)
        return 1
      }
      // Deploys are those stored when the timeline was last built in Slack: the CLI reads no telemetry.
      const { timeline } = await collectIncidentTimeline(incidentTimelineStore(handle.db, incident), null, new Date())
      const markdown = timelineToMarkdown(timeline)
      if (flags.out) {
        await writeFile(flags.out, markdown)
        process.stdout.write(`${timeline.events.length + timeline.undated.length} events → ${flags.out}\n`)
      } else process.stdout.write(markdown)
      return 0
    } finally {
      await handle.close()
    }
  },
}
export default command
