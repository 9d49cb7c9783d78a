import { draftReview, reviewToMarkdown } from '../core/incidents/review'
import { incidentMarkdownCommand } from './incident-markdown-export'

const USAGE = `sre-agent review <INC-n> [--format markdown] [--out <file>]

Writes the post-incident review draft of an incident in DATABASE_URL as Markdown: summary, impact window,
detection, response times, the key events of the timeline, the recorded root cause, what the bot got right
and wrong, and the follow-up actions. Drafted from stored facts only: what was not recorded is said so.
To stdout unless --out names a file.`

export default incidentMarkdownCommand({
  name: 'review',
  summary: 'export the post-incident review draft as Markdown (sre-agent review INC-n [--format markdown] [--out file])',
  usage: USAGE,
  async render(db, incident) {
    const { loadReviewInput } = await import('../storage/repositories/incident-review')
    return { markdown: reviewToMarkdown(draftReview(await loadReviewInput(db, incident))), written: `review of INC-${incident.number}` }
  },
})
