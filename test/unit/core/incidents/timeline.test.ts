import { describe, expect, it } from 'vitest'
import { buildIncidentTimeline, type TimelineInput } from '../../../../src/core/incidents/timeline'
import { timelineToMarkdown } from '../../../../src/core/incidents/timeline-markdown'

const at = (hhmm: string) => new Date(`2026-03-04T${hhmm}:00.000Z`)

function input(overrides: Partial<TimelineInput> = {}): TimelineInput {
  return {
    incident: {
      number: 61,
      title: 'payment-api latency',
      source: 'gcp',
      service: 'payment-api',
      startedAt: at('03:02'),
      resolvedAt: null,
      createdBy: null,
      resolution: null,
      resolutionOutcome: null,
      rootCause: null,
      resolutionRecordedBy: null,
      resolutionRecordedAt: null,
    },
    alerts: [],
    events: [],
    analyses: [],
    audit: [],
    playbookTitles: {},
    changes: [],
    ...overrides,
  }
}

const analysis = (evidence: TimelineInput['analyses'][number]['evidence'], completedAt = at('03:04')): TimelineInput['analyses'][number] => ({
  startedAt: at('03:03'),
  completedAt,
  status: 'completed',
  hypothesis: 'fraud-check is slow',
  confidence: 0.72,
  error: null,
  steps: [{ position: 2, question: 'What do the metrics say?', decision: 'fraud-check latency rose first', at: completedAt }],
  evidence,
})

const latencyEvidence = {
  stepPosition: 2,
  source: 'metrics',
  title: 'fraud-check latency_p95_ms',
  detail: '900 ms now vs 120 ms',
  link: 'https://console.cloud.google.com/monitoring?x=1',
  anomalous: true,
  data: { service: 'fraud-check', metric: 'latency_p95_ms', ratio: 7.5, anomalousSince: at('02:54').toISOString() },
}

describe('buildIncidentTimeline', () => {
  it('orders every source by time, equal times in the order the sources were read', () => {
    const timeline = buildIncidentTimeline(
      input({
        alerts: [{ status: 'firing', source: 'gcp', receivedAt: at('03:02') }],
        events: [
          { occurredAt: at('03:10'), kind: 'acknowledged', actor: 'U1', text: 'Acknowledged', link: null, dedupeKey: 'ack' },
          { occurredAt: at('03:02'), kind: 'commander', actor: 'U1', text: 'U1 is commander', link: null, dedupeKey: null },
        ],
        analyses: [analysis([latencyEvidence])],
        audit: [{ at: at('03:20'), actor: 'U2', action: 'action.executed', details: { playbook: 'pb', step: 'restart', detail: 'ok' } }],
        playbookTitles: { pb: { title: 'Restart', steps: { restart: 'Restart fraud-check' } } },
      }),
    )
    expect(timeline.events.map((e) => [e.at!.toISOString().slice(11, 16), e.kind])).toEqual([
      ['02:54', 'anomaly'],
      ['03:02', 'opened'],
      ['03:02', 'alert_fired'],
      ['03:02', 'commander'],
      ['03:04', 'analysis'],
      ['03:04', 'analysis_step'],
      ['03:10', 'acknowledged'],
      ['03:20', 'action_executed'],
    ])
    expect(timeline.events.find((e) => e.kind === 'action_executed')?.text).toBe('Action ran: Restart fraud-check (ok)')
    expect(timeline.events.find((e) => e.kind === 'analysis_step')?.link).toBe(latencyEvidence.link)
  })

  it('collapses repeated firing into one line with its count and span, and keeps each resolve', () => {
    const alerts = ['03:02', '03:31', '03:10', '03:20'].map((t) => ({ status: 'firing' as const, source: 'alertmanager', receivedAt: at(t) }))
    const timeline = buildIncidentTimeline(input({ alerts: [...alerts, { status: 'resolved', source: 'alertmanager', receivedAt: at('03:40') }] }))
    const fired = timeline.events.filter((e) => e.kind === 'alert_fired')
    expect(fired).toEqual([
      { at: at('03:02'), until: at('03:31'), kind: 'alert_fired', source: 'alert', actor: 'alertmanager', text: 'Alert fired 4×', link: null },
    ])
    expect(timeline.events.filter((e) => e.kind === 'alert_resolved').map((e) => e.at)).toEqual([at('03:40')])
  })

  it('shows an onset, a pattern or an error group found by two analyses once, and a re-run with the same decision once', () => {
    const newPattern = {
      stepPosition: 3,
      source: 'logs',
      title: 'New log pattern on payment-api since 02:58 UTC',
      detail: '40× timeout calling fraud-check',
      link: null,
      anomalous: true,
      data: { kind: 'new', template: 'timeout calling <*>', firstSeenAt: at('02:58').toISOString() },
    }
    const errorGroup = {
      stepPosition: 3,
      source: 'errors',
      title: 'Error group on payment-api: 12 events',
      detail: `TimeoutError: fraud-check (first seen ${at('02:59').toISOString()})`,
      link: 'https://console.cloud.google.com/errors/g1',
      anomalous: true,
      data: { groupId: 'g1', count: 12 },
    }
    const timeline = buildIncidentTimeline(
      input({ analyses: [analysis([latencyEvidence, newPattern, errorGroup]), analysis([latencyEvidence, newPattern, errorGroup], at('03:30'))] }),
    )
    const kinds = timeline.events.map((e) => e.kind)
    expect(kinds.filter((k) => k === 'anomaly')).toHaveLength(1)
    expect(kinds.filter((k) => k === 'log_pattern')).toHaveLength(1)
    expect(kinds.filter((k) => k === 'analysis_step')).toHaveLength(1)
    expect(kinds.filter((k) => k === 'analysis')).toHaveLength(2)
    expect(timeline.events.find((e) => e.kind === 'error_group')).toMatchObject({ at: at('02:59'), text: 'Error first seen: TimeoutError: fraud-check' })
    expect(timeline.events.find((e) => e.kind === 'log_pattern')?.text).toBe('New log pattern on payment-api: timeout calling <*>')
  })

  it('gives the earliest anomaly onset before the start as the detection time, and none when every onset is later', () => {
    const early = { ...latencyEvidence, title: 'payment-api latency_p95_ms', data: { ...latencyEvidence.data, anomalousSince: at('02:40').toISOString() } }
    expect(buildIncidentTimeline(input({ analyses: [analysis([latencyEvidence, early])] })).detectedAt).toEqual(at('02:40'))
    const late = { ...latencyEvidence, data: { ...latencyEvidence.data, anomalousSince: at('03:05').toISOString() } }
    expect(buildIncidentTimeline(input({ analyses: [analysis([late])] })).detectedAt).toBeNull()
  })

  it('de-duplicates events by their dedupe key, and a deploy stored from the telemetry with the one read again', () => {
    const deploy = { id: 'rev-42', at: at('02:50'), service: 'payment-api', kind: 'deploy' as const, description: 'Deployed rev 42', actor: 'ci@x', link: null }
    const timeline = buildIncidentTimeline(
      input({
        events: [
          { occurredAt: at('03:05'), kind: 'pinned_message', actor: 'U1', text: 'look at fraud-check', link: null, dedupeKey: 'C1:1.2' },
          { occurredAt: at('03:05'), kind: 'pinned_message', actor: 'U2', text: 'look at fraud-check', link: null, dedupeKey: 'C1:1.2' },
          { occurredAt: at('02:50'), kind: 'deploy', actor: 'ci@x', text: 'Deployed rev 42', link: null, dedupeKey: 'change:rev-42' },
        ],
        changes: [deploy],
      }),
    )
    expect(timeline.events.filter((e) => e.kind === 'pinned_message')).toHaveLength(1)
    expect(timeline.events.filter((e) => e.kind === 'deploy')).toEqual([
      { at: at('02:50'), kind: 'deploy', source: 'change', actor: 'ci@x', text: 'Deployed rev 42', link: null },
    ])
  })

  it('passes unknown kinds through with their own text, and keeps events with a missing or invalid time at the end', () => {
    const timeline = buildIncidentTimeline(
      input({
        events: [
          { occurredAt: null, kind: 'customer_comms', actor: 'U1', text: 'Status page\nupdated', link: null, dedupeKey: null },
          { occurredAt: new Date(Number.NaN), kind: 'status_update', actor: 'U1', text: 'Identified', link: null, dedupeKey: null },
        ],
        audit: [{ at: at('03:30'), actor: 'system', action: 'runbook.linked', details: {} }],
      }),
    )
    expect(timeline.undated.map((e) => [e.kind, e.text])).toEqual([
      ['customer_comms', 'Status page updated'],
      ['status_update', 'Identified'],
    ])
    expect(timeline.events.find((e) => e.kind === 'runbook_linked')).toMatchObject({ text: 'Runbook linked', actor: null })
  })

  it("tells a playbook run's story from the audit log: started, steps, approval, action, end; entries shown elsewhere are left out", () => {
    const preview = { stepId: 'scale', title: 'Scale checkout-api to 6 replicas', preview: '3 → 6', risk: 'medium' }
    const timeline = buildIncidentTimeline(
      input({
        audit: [
          { at: at('03:05'), actor: 'system', action: 'incident.opened', details: {} },
          { at: at('03:05'), actor: 'system', action: 'analysis.completed', details: {} },
          { at: at('03:06'), actor: 'U1', action: 'playbook.started', details: { playbook: 'pb' } },
          { at: at('03:07'), actor: 'system', action: 'playbook.step_finished', details: { step: 'check', status: 'succeeded' } },
          { at: at('03:08'), actor: 'system', action: 'approval.requested', details: { playbook: 'pb', step: 'scale', action: preview } },
          { at: at('03:09'), actor: 'U2', action: 'approval.approved', details: { action: preview, approvedBy: ['U2'] } },
          { at: at('03:10'), actor: 'U2', action: 'action.failed', details: { step: 'scale', detail: 'webhook answered 503' } },
          { at: at('03:11'), actor: 'system', action: 'playbook.failed', details: { playbook: 'pb' } },
        ],
        playbookTitles: { pb: { title: 'Scale out', steps: { check: 'Check the pool', scale: 'Scale checkout-api' } } },
      }),
    )
    expect(timeline.events.filter((e) => e.source === 'playbook').map((e) => [e.kind, e.actor, e.text])).toEqual([
      ['playbook_started', 'U1', 'Playbook started: Scale out'],
      ['playbook_step', null, 'Step succeeded: Check the pool'],
      ['approval_requested', null, 'Approval requested: Scale checkout-api'],
      ['approval_approved', 'U2', 'Approved: Scale checkout-api to 6 replicas'],
      ['action_failed', 'U2', 'Action failed: Scale checkout-api (webhook answered 503)'],
      ['playbook_failed', null, 'Playbook failed: Scale out'],
    ])
    expect(timeline.events.map((e) => e.kind)).not.toContain('incident_opened')
  })

  it('records the resolution from the audit log (each edit), or from the incident when no audit entry says it', () => {
    const resolved = input({
      incident: {
        ...input().incident,
        resolvedAt: at('04:00'),
        resolution: 'rolled back',
        resolutionOutcome: 'worked',
        resolutionRecordedBy: 'U9',
        resolutionRecordedAt: at('04:05'),
      },
    })
    expect(
      buildIncidentTimeline(resolved)
        .events.slice(-2)
        .map((e) => [e.kind, e.text, e.actor]),
    ).toEqual([
      ['resolved', 'INC-61 resolved', null],
      ['resolution_recorded', 'Resolution recorded: rolled back (worked)', 'U9'],
    ])
    const audited = buildIncidentTimeline({
      ...resolved,
      audit: [
        {
          at: at('04:05'),
          actor: 'U9',
          action: 'incident.resolution_recorded',
          details: { resolution: 'circuit breaker + fallback scoring', outcome: 'worked', rootCause: 'fraud-check slow' },
        },
      ],
    })
    expect(audited.events.filter((e) => e.kind === 'resolution_recorded').map((e) => e.text)).toEqual([
      'Resolution recorded: circuit breaker + fallback scoring (worked); root cause: fraud-check slow',
    ])
  })
})

describe('timelineToMarkdown', () => {
  it('lists every event with ISO times, and escapes text that would break the table or add links', () => {
    const timeline = buildIncidentTimeline(
      input({
        alerts: [
          { status: 'firing', source: 'gcp', receivedAt: at('03:02') },
          { status: 'firing', source: 'gcp', receivedAt: at('03:12') },
        ],
        events: [{ occurredAt: null, kind: 'note', actor: 'U1', text: 'a | b [x](https://evil) <b>', link: 'https://slack.example/p1', dedupeKey: null }],
        analyses: [analysis([latencyEvidence])],
      }),
    )
    const markdown = timelineToMarkdown(timeline, ['Deploys could not be read'])
    expect(markdown).toContain('# Timeline of INC-61: payment-api latency')
    expect(markdown).toContain('Detected: 2026-03-04T02:54:00.000Z')
    expect(markdown).toContain('| 2026-03-04T03:02:00.000Z | Alert | alert | gcp | Alert fired 2× (until 2026-03-04T03:12:00.000Z) |  |')
    expect(markdown).toContain('| unknown | Note | responder | U1 | a \\| b \\[x\\](https://evil) \\<b\\> | [link](https://slack.example/p1) |')
    expect(markdown.trimEnd().split('\n').at(-1)).toBe('- Deploys could not be read')
    const rows = markdown.split('\n').filter((l) => /^\| (2026|unknown)/.test(l))
    expect(rows).toHaveLength(timeline.events.length + timeline.undated.length)
  })
})
