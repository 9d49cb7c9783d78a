import { UsageError, type CommandRegistry } from './commands/command'
import { errorMessage, isCodedError } from './core/errors'
import { ConfigError, loadConfig, type Role } from './config'
import { createLogger } from './logger'

/** Offline tools: each in its own module under commands/, loaded only when called. */
const tools: CommandRegistry = {
  blueprint: {
    summary: 'draw the service blueprint (sre-agent blueprint --out graph.png|graph.svg|graph.json [--service s])',
    load: async () => (await import('./commands/blueprint')).default,
  },
  digest: {
    summary: 'write the trend digest as Block Kit, text and PNG charts (sre-agent digest --out <dir> [--since d --until d] [--demo])',
    load: async () => (await import('./commands/digest')).default,
  },
  detect: { summary: 'score a metric series for anomalies (sre-agent detect anomalies …)', load: async () => (await import('./commands/detect')).default },
  eval: { summary: 'run an evaluation on a public dataset (sre-agent eval <name> …)', load: async () => (await import('./commands/eval')).default },
  import: {
    summary: 'load past incidents from CSV, JSON lines, Jira, PagerDuty or Markdown postmortems (sre-agent import <file|folder> …)',
    load: async () => (await import('./commands/import')).default,
  },
  playbooks: {
    summary: 'work with the stored playbooks (sre-agent playbooks stats | export --out <dir> | propose --file <f>; --help lists them)',
    load: async () => (await import('./commands/playbooks')).default,
  },
  logs: { summary: 'mine log templates from a file of messages (sre-agent logs templates …)', load: async () => (await import('./commands/logs')).default },
  review: {
    summary: 'export the post-incident review draft as Markdown (sre-agent review INC-n [--format markdown] [--out file])',
    load: async () => (await import('./commands/review')).default,
  },
  timeline: {
    summary: 'export an incident timeline as Markdown (sre-agent timeline INC-n --format markdown [--out file])',
    load: async () => (await import('./commands/timeline')).default,
  },
  warnings: {
    summary: 'how accurate the proactive warnings were (sre-agent warnings stats [--since t] [--until t])',
    load: async () => (await import('./commands/warnings')).default,
  },
  reembed: {
    summary: 're-embed incidents embedded by another model (sre-agent reembed [--batch N] [--dry-run])',
    load: async () => (await import('./commands/reembed')).default,
  },
}

const USAGE_TEMPLATE = `sre-agent <command>

Commands:
  demo       run the three reference scenarios end to end in embedded mode and print the Slack threads
  bot        the Slack app (HTTP on /slack/events, or Socket Mode with SLACK_APP_TOKEN) and the alert webhooks
  worker     BullMQ workers (needs REDIS_URL); run any number of replicas
  migrate    apply the database migrations to DATABASE_URL
  seed       load synthetic past incidents into DATABASE_URL (for trying it out)
  help       this text
TOOLS_USAGE

Configuration is read from the environment; see README.md.`
const USAGE = USAGE_TEMPLATE.replace(
  'TOOLS_USAGE\n',
  Object.entries(tools)
    .map(([n, t]) => `  ${n.padEnd(10)} ${t.summary}\n`)
    .join(''),
)

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...args] = argv
  const tool = tools[command]
  if (tool) {
    try {
      return await (await tool.load()).run(args)
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`sre-agent ${command}: ${err.message}\n`)
        return 2
      }
      // A coded error is an expected failure (bad input file, unreadable dataset): say it, no stack trace.
      if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
        process.stderr.write(`sre-agent ${command}: ${err.message}\n`)
        return 1
      }
      throw err
    }
  }
  switch (command) {
    case 'demo': {
      const { runDemo } = await import('./embedded/demo')
      return runDemo(args)
    }
    case 'bot':
    case 'worker':
    case 'migrate':
    case 'seed':
      return runRole(command, args)
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`)
      return 0
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`)
      return 2
  }
}

async function runRole(command: 'bot' | 'worker' | 'migrate' | 'seed', args: string[]): Promise<number> {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig(process.env, command === 'seed' ? 'migrate' : (command as Role))
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`sre-agent ${command}: ${err.message}\n`)
      return 78 // EX_CONFIG
    }
    throw err
  }
  const logger = createLogger(config.LOG_LEVEL, { role: command })
  let started: Awaited<ReturnType<typeof startRole>>
  try {
    started = await startRole(command, args, config, logger)
  } catch (err) {
    // One line a person can act on (what, where, the system's error code); the stack only at debug level.
    logger.debug({ err }, 'start-up failed')
    process.stderr.write(`sre-agent ${command}: ${startupFailure(err)}\n`)
    return 1
  }
  if (!started) return 0
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down')
      resolve()
    }
    process.once('SIGINT', shutdown)
    process.once('SIGTERM', shutdown)
  })
  await started.stop()
  await started.close()
  return 0
}

/** The first line of the innermost cause, with its code (ECONNREFUSED, 28P01, …) when the message does not say it. */
function startupFailure(err: unknown): string {
  if (isCodedError(err)) return err.message.split('\n')[0]!
  let inner = err
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause
  const code = (inner as { code?: unknown } | null)?.code
  const line = errorMessage(inner).split('\n')[0]!
  return typeof code === 'string' && !line.includes(code) ? `${line} (${code})` : line
}

/** Runs migrate or seed to the end (null), or starts the bot or a worker and returns how to stop it. */
async function startRole(
  command: 'bot' | 'worker' | 'migrate' | 'seed',
  args: string[],
  config: ReturnType<typeof loadConfig>,
  logger: ReturnType<typeof createLogger>,
): Promise<{ stop: () => Promise<void>; close: () => Promise<void> } | null> {
  if (command === 'migrate') {
    const { openDatabase, migrateDatabase } = await import('./storage/database')
    const handle = await openDatabase(config.DATABASE_URL)
    await migrateDatabase(handle)
    await handle.close()
    logger.info('migrations applied')
    return null
  }
  if (command === 'seed') {
    const { openDatabase } = await import('./storage/database')
    const { seedPastIncidents } = await import('./storage/seed/seed-past-incidents')
    const handle = await openDatabase(config.DATABASE_URL)
    const count = Number(args[args.indexOf('--count') + 1]) || 60
    const n = await seedPastIncidents(handle.db, { count, seed: 42, now: new Date() })
    await handle.close()
    logger.info({ count: n }, 'seeded past incidents')
    return null
  }
  const { createRuntime } = await import('./runtime')
  const runtime = await createRuntime(config, logger)
  try {
    const stop =
      command === 'bot' ? await (await import('./roles/bot')).runBot(runtime, config, logger) : await (await import('./roles/worker')).runWorker(runtime)
    return { stop, close: () => runtime.close() }
  } catch (err) {
    await runtime.close().catch(() => undefined)
    throw err
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`sre-agent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  },
)
