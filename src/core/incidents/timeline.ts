import type { ChangeEvent } from '../telemetry/port'
import { incidentLabel } from './incident-label'

/** Where a timeline event was read from. */
export type TimelineSource = 'incident' | 'alert' | 'responder' | 'analysis' | 'telemetry' | 'playbook' | 'slack' | 'change'

/** One line of an incident's timeline; `at` is null when the record gave no valid time (kept, shown last). */
export interface TimelineEvent {
  at: Date | null
  /** What happened (opened, alert_fired, anomaly, deploy, acknowledged, …); kinds from incident_events pass through as stored. */
  kind: string
  source: TimelineSource
  /** Slack user id, or a system name; null when nobody in particular. */
  actor: string | null
  /** One line, plain text (escaped by whoever renders it). */
  text: string
  link: string | null
  /** A collapsed run of repeats ends here ("fired 14× between `at` and `until`"). */
  until?: Date
}

export interface Timeline {
  incident: { number: number; title: string }
  /** Oldest first; events of equal time in the order their sources were read. */
  events: TimelineEvent[]
  /** Events whose time is unknown, in the order read: shown after the others, never dropped. */
  undated: TimelineEvent[]
  /** The earliest anomaly onset before the incident started; null when nothing came earlier. */
  detectedAt: Date | null
}

/** What the builder reads: rows as storage keeps them, with no storage types. */
export interface TimelineInput {
  incident: {
    number: number
    title: string
    source: string
    service: string | null
    startedAt: Date
    resolvedAt: Date | null
    createdBy: string | null
    resolution: string | null
    resolutionOutcome: string | null
    rootCause: string | null
    resolutionRecordedBy: string | null
    resolutionRecordedAt: Date | null
  }
  alerts: Array<{ status: 'firing' | 'resolved'; source: string; receivedAt: Date | null }>
  events: Array<{ occurredAt: Date | null; kind: string; actor: string | null; text: string; link: string | null; dedupeKey: string | null }>
  analyses: Array<{
    startedAt: Date
    completedAt: Date | null
    status: string
    hypothesis: string | null
    confidence: number | null
    error: string | null
    steps: Array<{ position: number; question: string; decision: string; at: Date | null }>
    evidence: Array<{
      stepPosition: number
      source: string
      title: string
      detail: string
      link: string | null
      anomalous: boolean
      data: Record<string, unknown>
    }>
  }>
  audit: Array<{ at: Date | null; actor: string; action: string; details: Record<string, unknown> }>
  /** Titles of playbooks and their steps, by playbook id then step id, for audit entries that name only ids. */
  playbookTitles: Record<string, { title: string; steps: Record<string, string> }>
  changes: ChangeEvent[]
}

/** Deploys this long before the incident started are shown: a bad rollout often precedes its alert by an hour or more. */
export const CHANGE_LOOKBACK_MS = 2 * 60 * 60 * 1000

const CHANGE_KINDS = new Set(['deploy', 'rollback', 'config_change'])

/** Audit actions the timeline shows from another source (the incident row, the analyses), or not at all. */
const AUDIT_SHOWN_ELSEWHERE = new Set(['incident.opened', 'incident.resolved', 'analysis.completed', 'telemetry.warning'])

/** Merges everything stored about an incident into one ordered, de-duplicated timeline. Pure: same input, same timeline. */
export function buildIncidentTimeline(input: TimelineInput): Timeline {
  const collected: Array<TimelineEvent & { key: string }> = []
  const add = (event: TimelineEvent, key?: string) => {
    collected.push({ ...event, at: validDate(event.at), key: key ?? `${event.kind}|${validDate(event.at)?.getTime() ?? 'undated'}|${event.text}` })
  }
  const { incident } = input

  add({
    at: incident.startedAt,
    kind: 'opened',
    source: 'incident',
    actor: incident.createdBy,
    text: `${incidentLabel(incident)} opened: ${incident.title}`,
    link: null,
  })
  collectAlerts(input, add)
  for (const e of input.events) {
    const source: TimelineSource = e.kind === 'pinned_message' ? 'slack' : CHANGE_KINDS.has(e.kind) ? 'change' : 'responder'
    add({ at: e.occurredAt, kind: e.kind, source, actor: e.actor, text: oneLine(e.text), link: e.link }, e.dedupeKey ? `event|${e.dedupeKey}` : undefined)
  }
  for (const c of input.changes) {
    add({ at: c.at, kind: c.kind, source: 'change', actor: c.actor, text: oneLine(c.description), link: c.link }, `event|change:${c.id}`)
  }
  collectAnalyses(input, add)
  collectAudit(input, add)
  if (incident.resolvedAt)
    add({ at: incident.resolvedAt, kind: 'resolved', source: 'incident', actor: null, text: `${incidentLabel(incident)} resolved`, link: null })
  if (incident.resolutionRecordedAt && !input.audit.some((a) => a.action === 'incident.resolution_recorded')) {
    add({
      at: incident.resolutionRecordedAt,
      kind: 'resolution_recorded',
      source: 'responder',
      actor: incident.resolutionRecordedBy,
      text: resolutionText(incident.resolution, incident.resolutionOutcome, incident.rootCause),
      link: null,
    })
  }

  const seen = new Set<string>()
  const unique = collected.filter((e) => {
    if (seen.has(e.key)) return false
    seen.add(e.key)
    return true
  })
  const strip = ({ key: _key, ...event }: TimelineEvent & { key: string }): TimelineEvent => event
  // Array.prototype.sort is stable: equal times keep the order their sources were read in.
  const events = unique
    .filter((e) => e.at !== null)
    .sort((a, b) => a.at!.getTime() - b.at!.getTime())
    .map(strip)
  const undated = unique.filter((e) => e.at === null).map(strip)
  const onsets = events.filter((e) => e.kind === 'anomaly' && e.at!.getTime() < incident.startedAt.getTime())
  return { incident: { number: incident.number, title: incident.title }, events, undated, detectedAt: onsets[0]?.at ?? null }
}

type Add = (event: TimelineEvent, key?: string) => void

/** Firing deliveries collapse into one line (its count and span); each resolve is its own line. */
function collectAlerts(input: TimelineInput, add: Add): void {
  const firing = input.alerts.filter((a) => a.status === 'firing')
  const dated = firing.map((a) => validDate(a.receivedAt)).filter((d): d is Date => d !== null)
  dated.sort((a, b) => a.getTime() - b.getTime())
  const source = firing[0]?.source ?? input.incident.source
  if (firing.length === 1) {
    add({ at: dated[0] ?? null, kind: 'alert_fired', source: 'alert', actor: source, text: 'Alert fired', link: null })
  } else if (firing.length > 1) {
    const span = dated.length > 1 ? { until: dated[dated.length - 1]! } : {}
    add({ at: dated[0] ?? null, kind: 'alert_fired', source: 'alert', actor: source, text: `Alert fired ${firing.length}×`, link: null, ...span })
  }
  for (const a of input.alerts.filter((r) => r.status === 'resolved')) {
    add({ at: a.receivedAt, kind: 'alert_resolved', source: 'alert', actor: a.source, text: 'Alert resolved', link: null })
  }
}

function collectAnalyses(input: TimelineInput, add: Add): void {
  const windowStart = input.incident.startedAt.getTime() - CHANGE_LOOKBACK_MS
  for (const a of input.analyses) {
    const confidence = a.confidence === null ? '' : ` (confidence ${Math.round(a.confidence * 100)}%)`
    const text =
      a.status === 'failed'
        ? `Analysis failed: ${a.error ?? 'unknown error'}`
        : a.status === 'running'
          ? 'Analysis started'
          : `Analysis: ${a.hypothesis ?? 'no hypothesis'}${confidence}`
    add({ at: a.completedAt ?? a.startedAt, kind: 'analysis', source: 'analysis', actor: 'agent', text: oneLine(text), link: null })
    for (const s of a.steps) {
      const evidence = a.evidence.filter((e) => e.stepPosition === s.position)
      const link = (evidence.find((e) => e.anomalous && e.link) ?? evidence.find((e) => e.link))?.link ?? null
      add(
        {
          at: s.at ?? a.completedAt ?? a.startedAt,
          kind: 'analysis_step',
          source: 'analysis',
          actor: 'agent',
          text: oneLine(`${s.question} ${s.decision}`),
          link,
        },
        `analysis_step|${s.question}|${s.decision}`,
      )
    }
    for (const e of a.evidence) {
      const onset = sightingOf(e)
      if (!onset || (onset.kind === 'error_group' && onset.at.getTime() < windowStart)) continue
      add({ at: onset.at, kind: onset.kind, source: 'telemetry', actor: null, text: oneLine(onset.text), link: e.link }, onset.key)
    }
  }
}

/** An anomaly onset, a new log pattern or an error group's first sighting stored with an evidence item. */
function sightingOf(e: TimelineInput['analyses'][number]['evidence'][number]): { at: Date; kind: string; text: string; key: string } | null {
  const d = e.data
  if (e.source === 'metrics' && typeof d.anomalousSince === 'string') {
    const at = validDate(new Date(d.anomalousSince))
    const ratio = typeof d.ratio === 'number' ? ` (${d.ratio.toFixed(1)}× baseline)` : ''
    return at && { at, kind: 'anomaly', text: `${e.title} anomalous${ratio}`, key: `anomaly|${e.title}|${at.getTime()}` }
  }
  if (e.source === 'logs' && d.kind === 'new' && typeof d.firstSeenAt === 'string') {
    const at = validDate(new Date(d.firstSeenAt))
    const service = /^New log pattern on (\S+)/.exec(e.title)?.[1]
    const template = typeof d.template === 'string' ? d.template : e.title
    return at && { at, kind: 'log_pattern', text: `New log pattern${service ? ` on ${service}` : ''}: ${template}`, key: `log_pattern|${template}` }
  }
  if (e.source === 'errors' && typeof d.groupId === 'string') {
    // Stored in the data since the timeline; older rows say it only in the detail.
    const firstSeen = typeof d.firstSeen === 'string' ? d.firstSeen : /\(first seen ([0-9T:.\-Z]+)\)$/.exec(e.detail)?.[1]
    const at = firstSeen ? validDate(new Date(firstSeen)) : null
    const message = e.detail.replace(/ \(first seen [^)]*\)$/, '')
    return at && { at, kind: 'error_group', text: `Error first seen: ${message}`, key: `error_group|${d.groupId}` }
  }
  return null
}

function collectAudit(input: TimelineInput, add: Add): void {
  for (const a of input.audit) {
    if (AUDIT_SHOWN_ELSEWHERE.has(a.action)) continue
    const d = a.details
    const playbookId = typeof d.playbook === 'string' ? d.playbook : null
    const playbook = playbookId ? input.playbookTitles[playbookId] : undefined
    const stepTitle = typeof d.step === 'string' ? stepTitleOf(input.playbookTitles, playbookId, d.step) : null
    const actor = a.actor === 'system' ? null : a.actor
    const event = (kind: string, text: string) => add({ at: a.at, kind, source: 'playbook', actor, text: oneLine(text), link: null })
    switch (a.action) {
      case 'incident.resolution_recorded':
        add({
          at: a.at,
          kind: 'resolution_recorded',
          source: 'responder',
          actor,
          text: resolutionText(str(d.resolution), str(d.outcome), str(d.rootCause)),
          link: null,
        })
        break
      case 'playbook.started':
        event('playbook_started', `Playbook started: ${playbook?.title ?? playbookId ?? 'unknown playbook'}`)
        break
      case 'playbook.step_finished':
        event('playbook_step', `Step ${str(d.status) ?? 'finished'}: ${stepTitle ?? 'unknown step'}`)
        break
      case 'approval.requested':
      case 'approval.auto_approved':
      case 'approval.vote':
      case 'approval.approved':
      case 'approval.rejected':
      case 'approval.expired':
      case 'approval.refused':
        event(a.action.replace('.', '_'), `${approvalVerb(a.action)}${stepTitle ? `: ${stepTitle}` : actionSummary(d.action)}`)
        break
      case 'action.executed':
      case 'action.failed':
        event(a.action.replace('.', '_'), `Action ${a.action === 'action.executed' ? 'ran' : 'failed'}: ${stepTitle ?? 'unknown step'}${detailOf(d.detail)}`)
        break
      case 'playbook.completed':
      case 'playbook.failed':
      case 'playbook.rejected':
      case 'playbook.cancelled':
        event(a.action.replace('.', '_'), `Playbook ${a.action.slice('playbook.'.length)}${playbook ? `: ${playbook.title}` : ''}`)
        break
      case 'manual.confirmed':
        event('manual_step_done', `Manual step done${stepTitle ? `: ${stepTitle}` : ''}`)
        break
      default:
        event(a.action.replace(/\./g, '_'), humanize(a.action))
    }
  }
}

function stepTitleOf(titles: TimelineInput['playbookTitles'], playbookId: string | null, stepId: string): string {
  if (playbookId && titles[playbookId]?.steps[stepId]) return titles[playbookId].steps[stepId]
  for (const p of Object.values(titles)) if (p.steps[stepId]) return p.steps[stepId]
  return stepId
}

function approvalVerb(action: string): string {
  const verbs: Record<string, string> = {
    'approval.requested': 'Approval requested',
    'approval.auto_approved': 'Auto-approved',
    'approval.vote': 'Approval vote',
    'approval.approved': 'Approved',
    'approval.rejected': 'Rejected',
    'approval.expired': 'Approval expired',
    'approval.refused': 'Approval refused',
  }
  return verbs[action] ?? humanize(action)
}

/** The action an approval entry is about: its title as approvers saw it (details.action is the stored preview). */
function actionSummary(action: unknown): string {
  if (action && typeof action === 'object' && 'title' in action && typeof action.title === 'string') return `: ${action.title}`
  return ''
}

function detailOf(detail: unknown): string {
  return typeof detail === 'string' && detail ? ` (${detail})` : ''
}

function resolutionText(resolution: string | null, outcome: string | null, rootCause: string | null): string {
  const fixed = resolution ? `Resolution recorded: ${resolution}${outcome ? ` (${outcome})` : ''}` : 'Resolution recorded'
  return oneLine(`${fixed}${rootCause ? `; root cause: ${rootCause}` : ''}`)
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function humanize(kind: string): string {
  const words = kind.replace(/[._]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Any text on one line, whitespace collapsed. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function validDate(at: Date | null | undefined): Date | null {
  return at instanceof Date && Number.isFinite(at.getTime()) ? at : null
}

/** A kind as words for people: known kinds by name, unknown ones from their own words ("config_change" → "Config change"). */
export function timelineKindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? humanize(kind)
}

const KIND_LABELS: Record<string, string> = {
  opened: 'Opened',
  declared: 'Declared',
  alert_fired: 'Alert',
  alert_resolved: 'Alert resolved',
  acknowledged: 'Acknowledged',
  commander: 'Commander',
  severity: 'Severity',
  status_update: 'Status update',
  pinned_message: 'Pinned',
  deploy: 'Deploy',
  rollback: 'Rollback',
  config_change: 'Config change',
  analysis: 'Analysis',
  analysis_step: 'Reasoning',
  anomaly: 'Anomaly',
  log_pattern: 'New log pattern',
  error_group: 'New error',
  playbook_started: 'Playbook',
  playbook_step: 'Playbook step',
  action_executed: 'Action',
  action_failed: 'Action failed',
  resolution_recorded: 'Resolution',
  resolved: 'Resolved',
}
