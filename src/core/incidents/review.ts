import { formatDuration, SECOND_MS } from '../durations'
import type { PlaybookFigures } from '../playbooks/playbook-effectiveness'
import { figureLines, playbookHeadline, versionLine } from '../playbooks/playbook-effectiveness-lines'
import { incidentLabel } from './incident-label'
import type { Timeline, TimelineEvent } from './timeline'

/** A piece of a review line: plain text (escaped by whoever renders it) or a Slack user, shown as a mention or an id. */
export type ReviewPart = string | { user: string }
export type ReviewLine = ReviewPart[]

export interface ReviewSection {
  id: 'summary' | 'impact' | 'detection' | 'response_times' | 'timeline' | 'root_cause' | 'assessment' | 'playbook' | 'follow_ups'
  title: string
  lines: ReviewLine[]
}

export interface IncidentReview {
  incident: { number: number; title: string }
  sections: ReviewSection[]
}

/** The stored facts a review is drafted from, with no storage types: nothing else is read, nothing is guessed. */
export interface ReviewInput {
  incident: {
    number: number
    title: string
    summary: string
    service: string | null
    severity: string
    source: string
    status: 'open' | 'resolved'
    startedAt: Date
    detectedAt: Date | null
    acknowledgedAt: Date | null
    acknowledgedBy: string | null
    mitigatedAt: Date | null
    resolvedAt: Date | null
    createdBy: string | null
    commanderId: string | null
    ttaSeconds: number | null
    ttmSeconds: number | null
    ttrSeconds: number | null
    resolution: string | null
    resolutionOutcome: string | null
    rootCause: string | null
    contributingFactors: string | null
    diagnosisLabel: 'right' | 'partly' | 'wrong' | 'not_sure' | null
    resolutionRecordedBy: string | null
    resolutionRecordedAt: Date | null
    /** The playbook recorded as the fix on the incident. */
    playbookId: string | null
    /** The past incident the team named as really the same problem. */
    sameIncident: { id: string; number: number; title: string } | null
  }
  timeline: Timeline
  /** The latest analysis; null when none ran. */
  analysis: {
    status: string
    hypothesis: string | null
    confidence: number | null
    suggestedPlaybookId: string | null
    /** Past incidents it matched, best first. */
    matches: Array<{ id: string; number: number }>
  } | null
  /** Playbook runs on the incident, oldest first. */
  executions: Array<{ playbookId: string; title: string; status: string }>
  followUps: Array<{ owner: string; text: string; dueOn: string | null; status: 'open' | 'done' }>
  /** The current figures of the playbook the incident used (the one recorded as the fix, else its last run's); null when none ran. */
  playbook: PlaybookFigures | null
}

/** Timeline kinds a review keeps: what changed the course of the response, not every reasoning step or log line. */
const KEY_KINDS = new Set([
  'opened',
  'declared',
  'alert_fired',
  'acknowledged',
  'commander',
  'severity',
  'status_update',
  'analysis',
  'playbook_started',
  'approval_approved',
  'approval_rejected',
  'action_executed',
  'action_failed',
  'playbook_completed',
  'playbook_failed',
  'rollback',
  'mitigated',
  'alert_resolved',
  'resolved',
  'resolution_recorded',
])

/** Drafts the post-incident review from stored facts only; a section with nothing recorded says so. Pure. */
export function draftReview(input: ReviewInput): IncidentReview {
  const { incident } = input
  return {
    incident: { number: incident.number, title: incident.title },
    sections: [
      summaryOf(input),
      impactOf(input),
      detectionOf(input),
      responseTimesOf(input),
      timelineOf(input),
      rootCauseOf(input),
      assessmentOf(input),
      playbookFiguresOf(input),
      followUpsOf(input),
    ],
  }
}

function summaryOf({ incident }: ReviewInput): ReviewSection {
  const lines: ReviewLine[] = [[`${incidentLabel(incident)}: ${incident.title}`]]
  const facts = [`severity ${incident.severity}`, incident.service ? `service ${incident.service}` : 'service not recorded', incident.status]
  lines.push([facts.join(', ')])
  if (incident.summary.trim()) lines.push([incident.summary.trim()])
  lines.push(incident.commanderId ? ['Commander: ', { user: incident.commanderId }] : ['Commander not recorded'])
  lines.push(
    incident.resolution
      ? [`Fixed by: ${incident.resolution}${incident.resolutionOutcome ? ` (${incident.resolutionOutcome})` : ''}`]
      : ['Resolution not recorded'],
  )
  return { id: 'summary', title: 'Summary', lines }
}

function impactOf({ incident }: ReviewInput): ReviewSection {
  const start = earliest(incident.startedAt, incident.detectedAt)
  const end = incident.mitigatedAt ?? incident.resolvedAt
  const lines: ReviewLine[] = [[`Started: ${iso(start)}${start !== incident.startedAt ? ' (earliest sign, before the alert)' : ''}`]]
  if (incident.mitigatedAt) {
    // Resolving with no mitigation recorded stores the resolution's time as the mitigation's: said as such.
    const same = incident.resolvedAt !== null && incident.mitigatedAt.getTime() === incident.resolvedAt.getTime()
    lines.push([same ? 'Mitigated: at the resolution (no earlier mitigation recorded)' : `Mitigated: ${iso(incident.mitigatedAt)}`])
  }
  lines.push([incident.resolvedAt ? `Resolved: ${iso(incident.resolvedAt)}` : 'Not resolved yet'])
  lines.push([end && end >= start ? `Duration of impact: ${formatDuration(end.getTime() - start.getTime())}` : 'Duration of impact unknown: no end recorded'])
  return { id: 'impact', title: 'Impact window', lines }
}

function detectionOf({ incident, timeline }: ReviewInput): ReviewSection {
  const alerted = timeline.events.some((e) => e.kind === 'alert_fired') || (incident.source !== 'slack' && incident.source !== 'manual' && !incident.createdBy)
  const lines: ReviewLine[] = [
    alerted
      ? [`Noticed by an alert from ${incident.source}`]
      : incident.createdBy
        ? [timeline.events.some((e) => e.kind === 'declared') ? 'Declared by ' : 'Reported in Slack by ', { user: incident.createdBy }]
        : [`Opened from ${incident.source}`],
  ]
  if (incident.detectedAt && incident.detectedAt < incident.startedAt) {
    lines.push([`First sign at ${iso(incident.detectedAt)}; time to detect: ${formatDuration(incident.startedAt.getTime() - incident.detectedAt.getTime())}`])
  } else lines.push(['Time to detect unknown: no earlier sign than the alert was recorded'])
  return { id: 'detection', title: 'Detection', lines }
}

function responseTimesOf({ incident }: ReviewInput): ReviewSection {
  const show = (label: string, seconds: number | null) => [`${label}: ${seconds === null ? 'unknown' : formatDuration(seconds * SECOND_MS)}`]
  const ack = incident.acknowledgedBy ? [' by ', { user: incident.acknowledgedBy }] : []
  return {
    id: 'response_times',
    title: 'Response times',
    lines: [
      [...show('Time to acknowledge (MTTA)', incident.ttaSeconds), ...ack],
      show('Time to mitigate', incident.ttmSeconds),
      show('Time to resolve (MTTR)', incident.ttrSeconds),
    ],
  }
}

function timelineOf({ timeline }: ReviewInput): ReviewSection {
  const key = timeline.events.filter((e) => KEY_KINDS.has(e.kind))
  const lines = key.map((e) => eventLine(e))
  return { id: 'timeline', title: 'Timeline (key events)', lines: lines.length ? lines : [['No events recorded']] }
}

function eventLine(e: TimelineEvent): ReviewLine {
  const actor = e.actor && /^[UW][A-Z0-9]+$/.test(e.actor) ? [' (', { user: e.actor }, ')'] : []
  return [`${e.at ? iso(e.at) : 'unknown time'} ${e.text}`, ...actor]
}

function rootCauseOf({ incident }: ReviewInput): ReviewSection {
  return {
    id: 'root_cause',
    title: 'Root cause and contributing factors',
    lines: [
      [incident.rootCause?.trim() ? `Root cause: ${incident.rootCause.trim()}` : 'Root cause not recorded'],
      [incident.contributingFactors?.trim() ? `Contributing factors: ${incident.contributingFactors.trim()}` : 'Contributing factors not recorded'],
    ],
  }
}

/** What the bot got right and wrong, from the team's answers and the recorded fix; unknown where they say nothing. */
function assessmentOf({ incident, analysis, executions }: ReviewInput): ReviewSection {
  if (!analysis) return { id: 'assessment', title: 'What the bot got right and wrong', lines: [['No analysis ran on this incident']] }
  const lines: ReviewLine[] = []
  if (analysis.status !== 'completed' || !analysis.hypothesis) lines.push([`Diagnosis: none (analysis ${analysis.status})`])
  else {
    const confidence = analysis.confidence === null ? '' : ` (confidence ${Math.round(analysis.confidence * 100)}%)`
    lines.push([`Diagnosis: ${analysis.hypothesis}${confidence}`])
  }
  lines.push([incident.rootCause?.trim() ? `Recorded root cause: ${incident.rootCause.trim()}` : 'Recorded root cause: not recorded'])
  lines.push([DIAGNOSIS_VERDICTS[incident.diagnosisLabel ?? 'none']])
  lines.push([similarLine(incident.sameIncident, analysis.matches)])
  lines.push([playbookLine(incident, analysis.suggestedPlaybookId, executions)])
  return { id: 'assessment', title: 'What the bot got right and wrong', lines }
}

const DIAGNOSIS_VERDICTS: Record<NonNullable<ReviewInput['incident']['diagnosisLabel']> | 'none', string> = {
  right: 'The team judged the diagnosis right',
  partly: 'The team judged the diagnosis partly right',
  wrong: 'The team judged the diagnosis wrong',
  not_sure: 'The team was not sure whether the diagnosis was right',
  none: 'The team’s verdict on the diagnosis was not recorded',
}

function similarLine(same: ReviewInput['incident']['sameIncident'], matches: Array<{ id: string; number: number }>): string {
  if (!same)
    return matches.length ? `Similar incidents: ${matches.length} matched; none was named as really the same` : 'Similar incidents: none matched, none named'
  const rank = matches.findIndex((m) => m.id === same.id)
  if (rank === -1) return `${incidentLabel(same)} (named as really the same) was not among the ${matches.length} matches`
  return `${incidentLabel(same)} (named as really the same) was match #${rank + 1} of ${matches.length}`
}

/** The fix's playbook: the one recorded on the incident, else its last completed run; compared with the suggested one. */
function playbookLine(incident: ReviewInput['incident'], suggested: string | null, executions: ReviewInput['executions']): string {
  const completed = executions.filter((e) => e.status === 'completed')
  const fixedBy = incident.playbookId ?? completed[completed.length - 1]?.playbookId ?? null
  if (!suggested) return fixedBy ? `No playbook was suggested; ${fixedBy} was used` : 'No playbook was suggested'
  if (!fixedBy) return `Suggested playbook ${suggested}; no playbook is recorded as the fix`
  if (fixedBy !== suggested) return `Suggested playbook ${suggested} was not the fix: ${fixedBy} was`
  const outcome = incident.resolutionOutcome
  return outcome && outcome !== 'unknown'
    ? `Suggested playbook ${suggested} was the one used (outcome: ${outcome})`
    : `Suggested playbook ${suggested} was the one used`
}

/** How the playbook it used does across all its runs so far, this one included: the figures, not a verdict on this incident. */
function playbookFiguresOf({ playbook }: ReviewInput): ReviewSection {
  const title = 'Playbook figures, across all its runs so far'
  if (!playbook) return { id: 'playbook', title, lines: [['No playbook ran on this incident']] }
  const lines: ReviewLine[] = [[playbookHeadline(playbook)], ...figureLines(playbook.all).map((l): ReviewLine => [l])]
  if (playbook.versions.length > 1) lines.push(...playbook.versions.slice(0, 3).map((v): ReviewLine => [versionLine(v, playbook.currentVersion)]))
  return { id: 'playbook', title, lines }
}

function followUpsOf({ followUps }: ReviewInput): ReviewSection {
  const lines = followUps.map(
    (f): ReviewLine => [`${f.status === 'done' ? '[done] ' : ''}${f.text} — `, { user: f.owner }, f.dueOn ? `, due ${f.dueOn}` : ', no due date'],
  )
  return { id: 'follow_ups', title: 'Follow-up actions', lines: lines.length ? lines : [['No follow-up actions recorded']] }
}

function earliest(a: Date, b: Date | null): Date {
  return b && b < a ? b : a
}

function iso(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The review as a Markdown document: a heading per section, a bullet per line, users as @id, markup escaped. */
export function reviewToMarkdown(review: IncidentReview): string {
  const out = [
    `# Post-incident review: ${incidentLabel(review.incident)} ${inline(review.incident.title)}`,
    '',
    '_Draft from stored facts; edit before sharing._',
  ]
  for (const s of review.sections) {
    out.push('', `## ${s.title}`, '')
    for (const line of s.lines) out.push(`- ${line.map((p) => (typeof p === 'string' ? inline(p) : `@${p.user}`)).join('')}`)
  }
  return `${out.join('\n')}\n`
}

function inline(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`)
}
