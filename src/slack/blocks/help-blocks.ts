import { section, type SlackMessage } from './block-kit'

export const SRE_COMMANDS: Array<[string, string]> = [
  ['/sre analyze <service> <symptoms>', 'open an incident from a description and analyse it (e.g. `/sre analyze checkout-db connection timeouts`)'],
  ['/sre incidents', 'list open incidents'],
  ['/sre help', 'this help'],
]

export function buildHelpMessage(problem?: string): SlackMessage {
  const list = SRE_COMMANDS.map(([c, d]) => `• \`${c}\` — ${d}`).join('\n')
  const text = `${problem ? `${problem}\n\n` : ''}*What I can do:*\n${list}`
  return { text, blocks: [section(text)] }
}
