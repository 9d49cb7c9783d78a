import { incidentLabel } from './incident-label'
import { timelineKindLabel, type Timeline, type TimelineEvent } from './timeline'

/** The timeline as a Markdown document with ISO 8601 times (UTC), for a postmortem or a ticket. Every event is listed. */
export function timelineToMarkdown(timeline: Timeline, notes: readonly string[] = []): string {
  const { incident, events, undated } = timeline
  const lines = [`# Timeline of ${incidentLabel(incident)}: ${inline(incident.title)}`, '']
  if (timeline.detectedAt) lines.push(`Detected: ${timeline.detectedAt.toISOString()} (the earliest anomaly before the alert)`, '')
  lines.push('| Time (UTC) | Kind | Source | Actor | What happened | Link |', '| --- | --- | --- | --- | --- | --- |')
  for (const e of [...events, ...undated]) lines.push(row(e))
  if (events.length + undated.length === 0) lines.push('| | | | | Nothing recorded yet. | |')
  if (notes.length) lines.push('', ...notes.map((n) => `- ${inline(n)}`))
  return `${lines.join('\n')}\n`
}

function row(e: TimelineEvent): string {
  const time = e.at ? e.at.toISOString() : 'unknown'
  const span = e.until ? ` (until ${e.until.toISOString()})` : ''
  const link = e.link && /^https?:\/\//i.test(e.link) ? `[link](${e.link.replace(/[()\s]/g, (c) => encodeURIComponent(c))})` : ''
  return `| ${time} | ${inline(timelineKindLabel(e.kind))} | ${e.source} | ${inline(e.actor ?? '')} | ${inline(e.text)}${span} | ${link} |`
}

/** Text in a table cell: one line, pipes and Markdown/HTML markup escaped so a message cannot break the table or inject links. */
function inline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`)
}
