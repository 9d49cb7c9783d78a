import type { CliCommand, CommandRegistry } from './command'

/** `sre-agent playbooks <subcommand>`: each subcommand in its own module under commands/playbooks/, loaded when called. */
export const playbookCommands: CommandRegistry = {
  export: {
    summary: 'write the current version of every playbook as YAML files (sre-agent playbooks export --out <dir>)',
    load: async () => (await import('./playbooks/export')).default,
  },
  propose: {
    summary: 'post edits suggested for playbooks to their owners (sre-agent playbooks propose --file <suggestions.json>)',
    load: async () => (await import('./playbooks/propose')).default,
  },
}

const command: CliCommand = {
  summary: 'playbook versions: export them, propose edits',
  async run(args) {
    const [name = '', ...rest] = args
    const entry = playbookCommands[name]
    if (!entry) {
      const known = Object.entries(playbookCommands)
        .map(([n, e]) => `  ${n.padEnd(10)} ${e.summary}`)
        .join('\n')
      process.stderr.write(`${name ? `Unknown subcommand "${name}".` : 'Which subcommand?'}\n\nsre-agent playbooks <subcommand>:\n${known}\n`)
      return 2
    }
    return (await entry.load()).run(rest)
  },
}
export default command
