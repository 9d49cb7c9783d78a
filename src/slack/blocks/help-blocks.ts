import { ANALYZE_TEXT_MAX_CHARS } from '../../core/jobs/job-queue'
import type { ActionStep, Playbook } from '../../core/playbooks/schema'
import { escapeMrkdwn, section, type SlackMessage } from './block-kit'

export const SRE_COMMANDS: Array<[string, string]> = [
  ['/sre analyze <service> <symptoms>', 'open an incident from a description and analyse it (e.g. `/sre analyze checkout-db connection timeouts`)'],
  ['/sre similar <text | INC-n>', 'past incidents like a description or an incident, with what fixed them'],
  ['/sre trail <INC-n>', "the reasoning trail of an incident's analysis"],
  ['/sre declare [title]', 'declare an incident (a form: title, service, severity, description, commander)'],
  ['/sre update [INC-n] [stage] [text]', 'post a status update (investigating, identified, monitoring); without a text, a form'],
  ['/sre severity [INC-n] <critical|high|warning|info>', "change an incident's severity"],
  ['/sre commander [INC-n] <@person>', 'name the incident commander'],
  ['/sre resolve [INC-n]', 'record what fixed an incident, whether it worked and whether the diagnosis was right (a form)'],
  ['/sre review [INC-n] [again | file]', "the post-incident review draft in the incident's thread (`file`: as a Markdown file)"],
  ['/sre action <INC-n> <@owner> [due YYYY-MM-DD] <text>', 'add a follow-up action to an incident'],
  ['/sre actions [mine | INC-n]', "open follow-up actions (yours, or one incident's), each with a Done button"],
  ['/sre timeline [INC-n]', "an incident's timeline in its thread: alerts, responders, analysis, deploys, playbook actions, :pushpin: messages"],
  ['/sre incidents [--service s] [--since YYYY-MM-DD] [--until YYYY-MM-DD]', "open incidents, or those started in some days (a digest figure's list)"],
  ['/sre digest [7d|30d]', 'the trend digest of the last 7 or 30 days in this channel: incidents, response times, noise, accuracy, charts'],
  ['/sre playbooks', 'list the playbooks and when each applies'],
  ['/sre playbook-stats [playbook]', 'how often each playbook fixed the incident, per version and step, with suggested edits'],
  ['/sre blueprint [service]', 'a picture of who calls whom, from traces and the declared topology, the service and its neighbours highlighted'],
  [
    '/sre capacity <service>',
    'peak utilisation, weekly pattern, trend and next-peak forecast, with replica / HPA / request / max_connections suggestions and their cost',
  ],
  ['/sre playbook-revert <playbook> <version> [reason]', 'make an older version of a playbook current again, as a new version (its owners only)'],
  ['/sre run <playbook> <INC-n>', 'run a playbook on an incident (you then cannot approve its actions yourself)'],
  ['/sre help', 'this help (without INC-n, a command means the incident of the channel it is typed in)'],
]

/** The commands as mrkdwn lines; `<service>` and the like are escaped, or Slack would read them as links. */
export function sreCommandLines(): string {
  return SRE_COMMANDS.map(([c, d]) => `• \`${escapeMrkdwn(c)}\` — ${d}`).join('\n')
}

export function buildHelpMessage(problem?: string): SlackMessage {
  const list = sreCommandLines()
  const text = `${problem ? `${problem}\n\n` : ''}*What I can do:*\n${list}`
  return { text, blocks: [section(text)] }
}

export function buildPlaybookListMessage(playbooks: Playbook[]): SlackMessage {
  if (playbooks.length === 0) return { text: 'No playbooks are loaded.', blocks: [section('No playbooks are loaded.')] }
  const lines = playbooks.map((p) => {
    const actions = p.steps.filter((s): s is ActionStep => s.kind === 'action').map((s) => `${s.risk} risk`)
    const applies = [...p.match.services, ...p.match.keywords.slice(0, 4).map((k) => `"${k}"`)].join(', ')
    const steps = `${p.steps.length} steps${actions.length ? `, actions: ${actions.join(', ')}` : ''}`
    return `• *${escapeMrkdwn(p.title)}* \`${escapeMrkdwn(p.id)}\` v${p.version} — ${steps}\n` + `    _applies to_ ${escapeMrkdwn(applies)}`
  })
  const blocks = [section('*Playbooks*')]
  // One section per 10 playbooks keeps each under Slack's 3000 characters.
  for (let i = 0; i < lines.length; i += 10) blocks.push(section(lines.slice(i, i + 10).join('\n')))
  return { text: `${playbooks.length} playbooks`, blocks }
}

/** What `/sre analyze` and a mention answer to a description they cannot take. */
export function analyzeTextTooLong(length: number): string {
  return (
    `:warning: That description is too long to analyse: ${length} characters, and the limit is ${ANALYZE_TEXT_MAX_CHARS}. ` +
    'Shorten it to the service and the symptoms, e.g. `/sre analyze checkout-db connection timeouts`.'
  )
}
