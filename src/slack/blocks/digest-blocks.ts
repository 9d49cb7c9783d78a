import type { KnownBlock } from '@slack/types'
import type { Digest } from '../../core/digest/compute-digest'
import { accuracyLines, comparisonText, noiseTags, playbookOutcomeText, timeFigureText, warningLines, withArrow } from '../../core/digest/digest-text'
import { zonedDay } from '../../core/digest/zoned-calendar'
import { truncateText } from '../../core/truncate-text'
import { context, divider, escapeMrkdwn, header, type SlackMessage } from './block-kit'
import { MESSAGE_MAX_BLOCKS, mrkdwnSection, packLines } from './packed-sections'

/** Services listed by name; the rest are counted in one line. */
const SERVICES_SHOWN = 12
/** Names and texts from alerts are cut to this many characters before they are escaped. */
const NAME_CHARS = 80
const TEMPLATE_CHARS = 160

/** The `/sre incidents` command that lists what a figure counts: the period's days, in the digest's time zone. */
export function incidentsCommandFor(d: Digest, filter: { service?: string | null } = {}): string {
  const first = zonedDay(new Date(d.period.since), d.period.timeZone)
  const last = zonedDay(new Date(Date.parse(d.period.until) - 1), d.period.timeZone)
  const service = filter.service ? ` --service ${filter.service.replace(/\s+/g, '-')}` : ''
  return `/sre incidents${service} --since ${first} --until ${last}`
}

/** A command as inline code: escaped, and without backticks that would end the code span. */
function code(command: string): string {
  return `\`${escapeMrkdwn(command.replace(/`/g, "'"))}\``
}

/** A follow-up's owner as a mention when it is a Slack user id, else as text. */
function ownerText(owner: string): string {
  return /^[UW][A-Z0-9]+$/.test(owner) ? `<@${owner}>` : escapeMrkdwn(owner)
}

function name(text: string, max = NAME_CHARS): string {
  return escapeMrkdwn(truncateText(text.replace(/`/g, "'").replace(/\s+/g, ' '), max))
}

/**
 * The digest as one Slack message: each figure with its arrow against the previous period and the command that
 * lists what it counts. Within Slack's limits (50 blocks, 3,000 characters a section); alert and user text escaped.
 */
export function buildDigestMessage(d: Digest): SlackMessage {
  const blocks: KnownBlock[] = []
  const add = (title: string, lines: string[]) => {
    for (const text of packLines([`*${title}*`, ...lines])) blocks.push(mrkdwnSection(text))
  }
  const kind = d.period.days === 7 ? 'Weekly digest' : `${d.period.days}-day digest`
  blocks.push(header(`${kind}: ${d.period.label}`))
  blocks.push(
    context(
      `Against ${escapeMrkdwn(d.previousPeriod.label)} (↑ more, ↓ fewer, → the same) · days in ${escapeMrkdwn(d.period.timeZone)} · ` +
        `each figure names the command that lists what it counts`,
    ),
  )

  const byService = d.incidents.byService.slice(0, SERVICES_SHOWN).map((s) => {
    const label = s.service === null ? '_no service_' : `*${name(s.service)}*`
    return `• ${label}: ${comparisonText(s)}${s.service === null ? '' : ` — ${code(incidentsCommandFor(d, { service: s.service }))}`}`
  })
  const more = d.incidents.byService.length - SERVICES_SHOWN
  if (more > 0) byService.push(`… and ${more} more service(s): ${code(incidentsCommandFor(d))}`)
  add('Incidents', [
    `*${comparisonText(d.incidents.total)}* — ${code(incidentsCommandFor(d))}`,
    d.incidents.bySeverity.map((s) => `${s.severity} ${withArrow(String(s.current), s.trend)} (${s.previous})`).join(' · '),
    ...byService,
  ])

  const t = d.responseTimes
  add('Response times', [
    `• Acknowledge: ${timeFigureText(t.acknowledge)}`,
    `• Mitigate: ${timeFigureText(t.mitigate)}`,
    `• Resolve: ${timeFigureText(t.resolve)}`,
    `_Counted over the incidents started in the period: ${code(incidentsCommandFor(d))}_`,
  ])

  add(
    'Noisiest alerts',
    d.noisyAlerts.length === 0
      ? ['No alert fired in the period.']
      : d.noisyAlerts.map(
          (n) =>
            `• *${name(n.policy ?? n.title)}* (${n.service ? `${name(n.service)}, ` : ''}latest INC-${n.latestIncident}): ` +
            `${comparisonText(n.incidents)}${escapeMrkdwn(noiseTags(n))}` +
            (n.service ? ` — ${code(incidentsCommandFor(d, { service: n.service }))}` : ''),
        ),
  )

  add(
    'Recurring errors',
    d.recurringErrors.length === 0
      ? ['No error was seen around more than one incident.']
      : d.recurringErrors.map((e) => {
          const where = e.incidentNumbers.slice(0, 6).map((n) => `INC-${n}`)
          const rest = e.incidentNumbers.length > where.length ? ` +${e.incidentNumbers.length - where.length}` : ''
          return (
            `• *${name(e.service)}* \`${name(e.template, TEMPLATE_CHARS)}\`${e.errorGroupId ? ` (group ${name(e.errorGroupId, 40)})` : ''}: ` +
            `${e.incidents} incident(s) (${where.join(', ')}${rest}), ${e.earlierIncidents} in the 30 days before — \`/sre similar ${where[0] ?? ''}\``
          )
        }),
  )

  const a = d.playbooks.approvals
  add('Playbooks', [
    `Runs: ${comparisonText(d.playbooks.runs)} — \`/sre playbooks\``,
    ...d.playbooks.byPlaybook.slice(0, 10).map((p) => `• *${name(p.title)}* \`${name(p.playbookId, 60)}\`: ${playbookOutcomeText(p)}`),
    `Approvals: ${a.requested} requested, ${a.decided} decided, ${a.expired} expired, ${a.pending} pending`,
    `Approval latency: ${timeFigureText(a.latency, 'requests')}`,
  ])

  add("The bot's accuracy", [
    ...accuracyLines(d).map((l) => `• ${escapeMrkdwn(l)}`),
    '_From the answers recorded with `/sre resolve` in the period; the reliability diagram is in the thread._',
  ])

  add('Proactive warnings', [...warningLines(d).map((l) => `• ${escapeMrkdwn(truncateText(l, 300))}`), '_`sre-agent warnings stats` gives the details._'])

  const f = d.followups
  add('Follow-up actions', [
    `Open: ${comparisonText(f.open)} · overdue: ${comparisonText(f.overdue)} — \`/sre actions\``,
    ...f.overdueList.map((o) => `• INC-${o.incidentNumber} ${name(o.text, 120)} — ${ownerText(o.owner)}, due ${escapeMrkdwn(o.dueOn)}`),
  ])
  blocks.push(divider)
  blocks.push(context('Charts (incidents per day, time to resolve by week, top services, reliability) are in this thread.'))

  const kept = blocks.length > MESSAGE_MAX_BLOCKS ? [...blocks.slice(0, MESSAGE_MAX_BLOCKS - 1), context('… cut to fit one message.')] : blocks
  return {
    text: `${kind} ${d.period.label}: ${comparisonText(d.incidents.total)} incidents`,
    blocks: kept,
  }
}
