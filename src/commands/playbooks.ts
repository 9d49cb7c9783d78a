import { type CliCommand, type CommandRegistry, UsageError } from './command'

/** `sre-agent playbooks <subcommand>`: each subcommand in its own module, loaded only when called. */
const subcommands: CommandRegistry = {
  stats: {
    summary: 'how often each playbook fixed the incident, by version and step, with suggested edits (--playbook id, --json)',
    load: async () => (await import('./playbooks-stats')).default,
  },
  export: {
    summary: 'write the current version of every playbook as YAML files (--out <dir>)',
    load: async () => (await import('./playbooks/export')).default,
  },
  propose: {
    summary: 'post edits suggested for playbooks to their owners (--file <suggestions.json>)',
    load: async () => (await import('./playbooks/propose')).default,
  },
}

const USAGE = `sre-agent playbooks <subcommand> …

Subcommands:
${Object.entries(subcommands)
  .map(([name, s]) => `  ${name.padEnd(8)} ${s.summary}`)
  .join('\n')}`

const command: CliCommand = {
  summary: `work with the stored playbooks (sre-agent playbooks ${Object.keys(subcommands).join('|')} …)`,
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args
    const entry = sub ? subcommands[sub] : undefined
    if (!entry) throw new UsageError(sub && sub !== '--help' && sub !== '-h' ? `unknown subcommand "${sub}"\n\n${USAGE}` : USAGE)
    return (await entry.load()).run(rest)
  },
}

export default command
