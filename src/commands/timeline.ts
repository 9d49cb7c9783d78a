import { collectIncidentTimeline } from '../core/incidents/collect-incident-timeline'
import { timelineToMarkdown } from '../core/incidents/timeline-markdown'
import { incidentMarkdownCommand } from './incident-markdown-export'

const USAGE = `sre-agent timeline <INC-n> [--format markdown] [--out <file>]

Writes the timeline of an incident in DATABASE_URL as Markdown (times in ISO 8601, UTC): alerts,
acknowledgements and status updates, the analysis with its evidence, anomaly onsets, deploys found
around it, playbook steps, approvals and actions, pinned Slack messages and the recorded resolution.
To stdout unless --out names a file. Also stores the incident's detection time when it finds an earlier one.`

export default incidentMarkdownCommand({
  name: 'timeline',
  summary: 'export an incident timeline as Markdown (sre-agent timeline INC-n --format markdown [--out file])',
  usage: USAGE,
  async render(db, incident) {
    const { incidentTimelineStore } = await import('../storage/repositories/incident-timeline')
    // Deploys are those stored when the timeline was last built in Slack: the CLI reads no telemetry.
    const { timeline } = await collectIncidentTimeline(incidentTimelineStore(db, incident), null, new Date())
    return { markdown: timelineToMarkdown(timeline), written: `${timeline.events.length + timeline.undated.length} events` }
  },
})
