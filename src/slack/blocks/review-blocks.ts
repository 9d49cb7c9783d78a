import type { IncidentReview, ReviewLine } from '../../core/incidents/review'
import { truncateText } from '../../core/truncate-text'
import { escapeMrkdwn, type SlackMessage } from './block-kit'
import { reviewButtons } from './followup-blocks'

/** Slack refuses a section over 3000 characters and a message over 50 blocks. */
export const REVIEW_SECTION_CHARS = 3000
export const REVIEW_MESSAGE_BLOCKS = 50

/**
 * The review draft as Block Kit messages within Slack's limits: each section's title and lines packed into mrkdwn
 * sections of at most 3000 characters (a line longer than that is continued in the next section, never cut),
 * sections into messages of at most 50 blocks. Text is escaped; only stored Slack user ids become mentions.
 */
export function buildReviewMessages(review: IncidentReview): SlackMessage[] {
  const sections: string[] = []
  for (const s of review.sections) {
    const lines = s.lines.map((l) => `• ${lineMrkdwn(l)}`)
    sections.push(...pack([`*${escapeMrkdwn(s.title)}*`, ...lines]))
  }
  // Room for the title block in every message, and the note and the button in the last.
  const perMessage = REVIEW_MESSAGE_BLOCKS - 3
  const chunks: string[][] = []
  for (let i = 0; i < sections.length; i += perMessage) chunks.push(sections.slice(i, i + perMessage))
  const title = escapeMrkdwn(`INC-${review.incident.number} ${truncateText(review.incident.title, 200)}`)
  return chunks.map((chunk, i) => {
    const part = chunks.length > 1 ? ` (part ${i + 1} of ${chunks.length})` : ''
    const blocks: SlackMessage['blocks'] = [mrkdwnSection(`:memo: *Post-incident review draft of ${title}*${part}`), ...chunk.map(mrkdwnSection)]
    if (i === chunks.length - 1) {
      blocks.push({
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'Drafted from what was recorded; nothing is guessed. Edit it before sharing: `sre-agent review` exports it as Markdown.' },
        ],
      })
      blocks.push(reviewButtons(review.incident.number))
    }
    return { text: `Post-incident review draft of ${title}${part}`, blocks }
  })
}

function lineMrkdwn(line: ReviewLine): string {
  return line.map((p) => (typeof p === 'string' ? escapeMrkdwn(p.replace(/\s+/g, ' ')) : userMrkdwn(p.user))).join('')
}

function userMrkdwn(user: string): string {
  return /^[UW][A-Z0-9]{1,20}$/.test(user) ? `<@${user}>` : escapeMrkdwn(truncateText(user, 80))
}

/** Lines joined into sections of at most 3000 characters; a longer line is split (at a space when it can be), never dropped. */
function pack(lines: string[]): string[] {
  const pieces = lines.flatMap(splitLong)
  const out: string[] = []
  let current = ''
  for (const piece of pieces) {
    if (current && current.length + 1 + piece.length > REVIEW_SECTION_CHARS) {
      out.push(current)
      current = ''
    }
    current = current ? `${current}\n${piece}` : piece
  }
  if (current) out.push(current)
  return out
}

function splitLong(line: string): string[] {
  const max = REVIEW_SECTION_CHARS - 10
  const out: string[] = []
  let rest = line
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max)
    if (cut < max / 2) cut = max
    // Never split inside an entity (&amp;) or a mention (<@U…>).
    const amp = rest.lastIndexOf('&', cut)
    if (amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp
    const lt = rest.lastIndexOf('<', cut)
    if (lt > cut - 25 && rest.indexOf('>', lt) >= cut) cut = lt
    out.push(`${rest.slice(0, cut)} …`)
    rest = `… ${rest.slice(cut).trimStart()}`
  }
  out.push(rest)
  return out
}

function mrkdwnSection(text: string): SlackMessage['blocks'][number] {
  return { type: 'section', text: { type: 'mrkdwn', text } }
}
