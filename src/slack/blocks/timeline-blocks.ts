import { timelineKindLabel, type Timeline, type TimelineEvent } from '../../core/incidents/timeline'
import { truncateText } from '../../core/truncate-text'
import { escapeMrkdwn, linkableUrl, type SlackMessage } from './block-kit'
import { chunkSections, MESSAGE_MAX_BLOCKS, mrkdwnSection, packLines, SECTION_MAX_CHARS } from './packed-sections'

/** One event's text is cut here (its link keeps the whole); the timeline itself is never cut. */
const EVENT_TEXT_CHARS = 600

const KIND_EMOJI: Record<string, string> = {
  opened: ':rotating_light:',
  declared: ':rotating_light:',
  alert_fired: ':bell:',
  alert_resolved: ':white_check_mark:',
  acknowledged: ':eyes:',
  commander: ':bust_in_silhouette:',
  severity: ':signal_strength:',
  status_update: ':memo:',
  pinned_message: ':pushpin:',
  deploy: ':rocket:',
  rollback: ':rewind:',
  config_change: ':gear:',
  analysis: ':mag:',
  analysis_step: ':thought_balloon:',
  anomaly: ':chart_with_upwards_trend:',
  log_pattern: ':scroll:',
  error_group: ':boom:',
  playbook_started: ':arrow_forward:',
  playbook_step: ':small_orange_diamond:',
  action_executed: ':hammer_and_wrench:',
  action_failed: ':x:',
  resolution_recorded: ':label:',
  resolved: ':white_check_mark:',
}

/**
 * The timeline as Block Kit messages, each within Slack's limits: lines packed into sections of at most 3000
 * characters, sections into messages of at most 50 blocks, every event shown. Times use Slack's date
 * formatting so each reader sees their own time zone; the fallback is UTC.
 */
export function buildTimelineMessages(timeline: Timeline, notes: readonly string[] = []): SlackMessage[] {
  const { incident, events, undated } = timeline
  const withDate = spansDays(events)
  const lines = [...events.map((e) => timelineLine(e, withDate)), ...undated.map((e) => timelineLine(e, withDate))]
  const sections = packLines(lines.length ? lines : ['_Nothing recorded yet._'])
  const footer = [
    ...(timeline.detectedAt ? [`Detected ${slackDate(timeline.detectedAt, true)}: the earliest anomaly before the alert.`] : []),
    ...(undated.length ? [`${undated.length} event(s) with no recorded time are listed last.`] : []),
    ...notes.map(escapeMrkdwn),
  ]
  // Room for the title block in every message and the footer in the last.
  const chunks = chunkSections(sections, MESSAGE_MAX_BLOCKS - 2)
  const title = `INC-${incident.number} ${truncateText(incident.title, 200)}`
  const count = `${events.length + undated.length} event${events.length + undated.length === 1 ? '' : 's'}`
  return chunks.map((chunk, i) => {
    const part = chunks.length > 1 ? ` (part ${i + 1} of ${chunks.length})` : ''
    const heading = `:spiral_note_pad: *Timeline of ${escapeMrkdwn(title)}*${part} — ${count}`
    const blocks: SlackMessage['blocks'] = [mrkdwnSection(heading), ...chunk.map(mrkdwnSection)]
    if (i === chunks.length - 1 && footer.length) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncateText(footer.join('\n'), SECTION_MAX_CHARS) }] })
    }
    return { text: `Timeline of ${escapeMrkdwn(title)}${part}`, blocks }
  })
}

/** One event as one mrkdwn line: time, kind, text (escaped), the span of a collapsed run, who, and its link. */
export function timelineLine(event: TimelineEvent, withDate: boolean): string {
  const time = event.at ? slackDate(event.at, withDate) : '_time unknown_'
  const emoji = KIND_EMOJI[event.kind] ?? ':small_blue_diamond:'
  const until = event.until && event.at ? ` between ${slackDate(event.at, withDate)} and ${slackDate(event.until, withDate)}` : ''
  const who = event.actor && event.actor !== 'agent' ? ` — ${actorMrkdwn(event.actor)}` : ''
  const href = linkableUrl(event.link)
  const line = (max: number, withLink: boolean) =>
    `${time} ${emoji} *${escapeMrkdwn(timelineKindLabel(event.kind))}* ${escapeMrkdwn(truncateText(event.text, max))}${until}${who}` +
    (withLink && href ? ` <${href}|view>` : '')
  const full = line(EVENT_TEXT_CHARS, true)
  // Escaping can make a line five times longer: it must still fit a section on its own.
  return full.length <= SECTION_MAX_CHARS - 100 ? full : line(200, href !== null && href.length < 1000)
}

/** A Slack user id becomes a mention, which each reader's client shows as the person's name. */
function actorMrkdwn(actor: string): string {
  return /^[UW][A-Z0-9]{2,20}$/.test(actor) ? `<@${actor}>` : escapeMrkdwn(truncateText(actor, 80))
}

/** `<!date^…>`: the reader's own time zone; the fallback (old clients, notifications) in UTC. */
export function slackDate(at: Date, withDate: boolean): string {
  const iso = at.toISOString()
  const fallback = withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : `${iso.slice(11, 16)} UTC`
  return `<!date^${Math.floor(at.getTime() / 1000)}^${withDate ? '{date_short} {time}' : '{time}'}|${fallback}>`
}

function spansDays(events: TimelineEvent[]): boolean {
  const days = new Set(events.map((e) => e.at?.toISOString().slice(0, 10)))
  return days.size > 1
}
