import { ConfigError, loadConfig, type Config } from '../config'
import { CodedError } from '../core/errors'

/** A `sre-agent <name>` command: resolves to its exit code. Loaded lazily so start-up stays cheap. */
export interface CliCommand {
  summary: string
  usage?: string
  run(args: string[]): Promise<number>
}

export type CommandRegistry = Record<string, { summary: string; load: () => Promise<CliCommand> }>

/** Reads `--name value` flags; a missing required flag is a usage error naming it. */
export function readFlags(args: string[], spec: Record<string, { required?: boolean; default?: string }>): Record<string, string> {
  const values: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`)
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined]
    if (!(name in spec)) throw new UsageError(`unknown flag --${name}`)
    const value = inline ?? args[++i]
    if (value === undefined) throw new UsageError(`--${name} needs a value`)
    values[name] = value
  }
  for (const [name, s] of Object.entries(spec)) {
    if (values[name] === undefined && s.default !== undefined) values[name] = s.default
    if (values[name] === undefined && s.required) throw new UsageError(`--${name} is required`)
  }
  return values
}

/** The configuration as `migrate` reads it; when it is invalid, says so on stderr as `sre-agent <name>: …` and is null (exit 78, EX_CONFIG). */
export function loadCommandConfig(name: string): Config | null {
  try {
    return loadConfig(process.env, 'migrate')
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`sre-agent ${name}: ${err.message}\n`)
    return null
  }
}

/** Wrong arguments: the CLI prints the message and exits with status 2. */
export class UsageError extends CodedError<'usage'> {
  constructor(message: string) {
    super('usage', message)
    this.name = 'UsageError'
  }
}
