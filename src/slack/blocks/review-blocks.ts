import type { IncidentReview, ReviewLine } from '../../core/incidents/review'
import { truncateText } from '../../core/truncate-text'
import { escapeMrkdwn, type SlackMessage } from './block-kit'
import { reviewButtons } from './followup-blocks'
import { chunkSections, MESSAGE_MAX_BLOCKS, mrkdwnSection, packLines } from './packed-sections'

/**
 * The review draft as Block Kit messages within Slack's limits: each section's title and lines packed into mrkdwn
 * sections of at most 3000 characters (a line longer than that is continued in the next section, never cut),
 * sections into messages of at most 50 blocks. Text is escaped; only stored Slack user ids become mentions.
 */
export function buildReviewMessages(review: IncidentReview): SlackMessage[] {
  const sections: string[] = []
  for (const s of review.sections) {
    const lines = s.lines.map((l) => `• ${lineMrkdwn(l)}`)
    sections.push(...packLines([`*${escapeMrkdwn(s.title)}*`, ...lines]))
  }
  // Room for the title block in every message, and the note and the button in the last.
  const chunks = chunkSections(sections, MESSAGE_MAX_BLOCKS - 3)
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
