import type { KnownBlock } from '@slack/types'
import type { PlaybookEditSuggestion } from '../../core/playbooks/playbook-edit-suggestion'
import type { PlaybookFigures } from '../../core/playbooks/playbook-effectiveness'
import { figureLines, playbookHeadline, stepLine, versionLine } from '../../core/playbooks/playbook-effectiveness-lines'
import { truncateText } from '../../core/truncate-text'
import { context, escapeMrkdwn, type SlackMessage } from './block-kit'
import { MESSAGE_MAX_BLOCKS, mrkdwnSection, packLines } from './packed-sections'

const HOW = 'Worked rate: partly counts half, a fix by something else counts as not working; ranked by the lower end of its 95 % interval.'

/** `/sre playbook-stats`: every playbook ranked by how often its actions fixed the incident, one paragraph each. */
export function buildPlaybookStatsOverview(figures: PlaybookFigures[]): SlackMessage {
  if (figures.length === 0) return { text: 'No playbooks are loaded.', blocks: [mrkdwnSection('No playbooks are loaded and none has run.')] }
  const paragraphs = figures.map((f) => [
    `*${escapeMrkdwn(truncateText(playbookHeadline(f), 400))}*`,
    ...figureLines(f.all).map((l) => `   ${escapeMrkdwn(l)}`),
  ])
  // Room for the title and the footer.
  const room = MESSAGE_MAX_BLOCKS - 3
  const sections = packLines(paragraphs.map((p) => p.join('\n')))
  const shown = sections.slice(0, room)
  const blocks: KnownBlock[] = [
    mrkdwnSection(':bar_chart: *Playbook effectiveness*, from the runs and the resolutions the team recorded'),
    ...shown.map(mrkdwnSection),
  ]
  if (shown.length < sections.length) blocks.push(mrkdwnSection(`… ${sections.length - shown.length} more sections not shown: name a playbook to see it.`))
  blocks.push(context(`${escapeMrkdwn(HOW)} \`/sre playbook-stats &lt;playbook&gt;\` shows its steps and suggested edits.`))
  return { text: `Playbook effectiveness: ${figures.length} playbooks`, blocks }
}

/** `/sre playbook-stats <playbook>`: its figures, each version, the current version's steps, and the edits its figures suggest. */
export function buildPlaybookStatsDetail(f: PlaybookFigures, suggestions: PlaybookEditSuggestion[]): SlackMessage {
  const current = f.versions.find((v) => v.version === f.currentVersion) ?? f.versions[0]
  const lines = [
    `:bar_chart: *${escapeMrkdwn(truncateText(playbookHeadline(f), 400))}*`,
    ...figureLines(f.all).map((l) => `• ${escapeMrkdwn(l)}`),
    '',
    '*Versions*',
    ...f.versions.map((v) => `• ${escapeMrkdwn(versionLine(v, f.currentVersion))}`),
  ]
  if (current && current.runs > 0) {
    lines.push('', `*Steps of v${current.version}* (decisive: the finding the action that worked was taken on)`)
    lines.push(...current.steps.map((s) => `• ${escapeMrkdwn(truncateText(stepLine(s), 300))}`))
  }
  lines.push('', '*Suggested edits*')
  if (suggestions.length === 0) lines.push('• none: no step, threshold or approval has enough runs against it')
  for (const s of suggestions) {
    lines.push(`• *${escapeMrkdwn(truncateText(s.summary, 300))}*`)
    lines.push(...s.evidence.map((e) => `    ◦ ${escapeMrkdwn(truncateText(e, 300))}`))
  }
  const sections = packLines(lines.filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== '')))
  const blocks: KnownBlock[] = sections.slice(0, MESSAGE_MAX_BLOCKS - 1).map(mrkdwnSection)
  blocks.push(context(escapeMrkdwn(HOW)))
  return { text: `Playbook effectiveness of ${truncateText(f.playbookId, 100)}`, blocks }
}
