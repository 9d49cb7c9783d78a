import { describe, expect, it } from 'vitest'
import { draftReview, type ReviewInput, type ReviewSection, reviewToMarkdown } from '../../../../src/core/incidents/review'
import { buildIncidentTimeline } from '../../../../src/core/incidents/timeline'
import { computePlaybookEffectiveness } from '../../../../src/core/playbooks/playbook-effectiveness'
import { playbookSchema } from '../../../../src/core/playbooks/schema'

const at = (hhmm: string) => new Date(`2026-03-04T${hhmm}:00.000Z`)

function timelineOf(events: Parameters<typeof buildIncidentTimeline>[0]['events'] = []) {
  return buildIncidentTimeline({
    incident: {
      number: 61,
      title: 'payment-api latency',
      source: 'gcp',
      service: 'payment-api',
      startedAt: at('03:02'),
      resolvedAt: at('03:40'),
      createdBy: null,
      resolution: null,
      resolutionOutcome: null,
      rootCause: null,
      resolutionRecordedBy: null,
      resolutionRecordedAt: null,
    },
    alerts: [{ status: 'firing', source: 'gcp', receivedAt: at('03:02') }],
    events,
    analyses: [],
    audit: [],
    playbookTitles: {},
    changes: [],
  })
}

function full(overrides: Partial<ReviewInput['incident']> = {}, rest: Partial<Omit<ReviewInput, 'incident'>> = {}): ReviewInput {
  return {
    incident: {
      number: 61,
      title: 'payment-api latency',
      summary: 'p95 above 800 ms',
      service: 'payment-api',
      severity: 'critical',
      source: 'gcp',
      status: 'resolved',
      startedAt: at('03:02'),
      detectedAt: at('02:54'),
      acknowledgedAt: at('03:05'),
      acknowledgedBy: 'U1',
      mitigatedAt: at('03:30'),
      resolvedAt: at('03:40'),
      createdBy: null,
      commanderId: 'U1',
      ttaSeconds: 180,
      ttmSeconds: 36 * 60,
      ttrSeconds: 46 * 60,
      resolution: 'Rolled back fraud-check',
      resolutionOutcome: 'worked',
      rootCause: 'fraud-check 2.4 slow query',
      contributingFactors: 'no canary stage for fraud-check releases',
      diagnosisLabel: 'right',
      resolutionRecordedBy: 'U1',
      resolutionRecordedAt: at('03:45'),
      playbookId: 'latency-slow-dependency',
      sameIncident: { id: 'b', number: 42, title: 'fraud-check slow' },
      ...overrides,
    },
    timeline: timelineOf([
      { occurredAt: at('03:05'), kind: 'acknowledged', actor: 'U1', text: 'Acknowledged', link: null, dedupeKey: 'ack' },
      { occurredAt: at('03:06'), kind: 'pinned_message', actor: 'U2', text: 'look at this graph', link: null, dedupeKey: 'pin' },
      { occurredAt: at('03:20'), kind: 'severity', actor: 'U1', text: 'Severity warning → critical', link: null, dedupeKey: 'sev' },
    ]),
    analysis: {
      status: 'completed',
      hypothesis: 'fraud-check is slow',
      confidence: 0.72,
      suggestedPlaybookId: 'latency-slow-dependency',
      matches: [
        { id: 'a', number: 40 },
        { id: 'b', number: 42 },
      ],
    },
    executions: [{ playbookId: 'latency-slow-dependency', title: 'Slow dependency', status: 'completed' }],
    followUps: [{ owner: 'U2', text: 'Add an index', dueOn: '2026-03-20', status: 'open' }],
    playbook: null,
    ...rest,
  }
}

const text = (s: ReviewSection) => s.lines.map((l) => l.map((p) => (typeof p === 'string' ? p : `<@${p.user}>`)).join('')).join('\n')
const section = (input: ReviewInput, id: ReviewSection['id']) => text(draftReview(input).sections.find((s) => s.id === id)!)

describe('draftReview', () => {
  it('drafts every section in order', () => {
    expect(draftReview(full()).sections.map((s) => s.id)).toEqual([
      'summary',
      'impact',
      'detection',
      'response_times',
      'timeline',
      'root_cause',
      'assessment',
      'playbook',
      'follow_ups',
    ])
  })

  it('measures the impact window from the earliest sign to the mitigation', () => {
    const impact = section(full(), 'impact')
    expect(impact).toContain('Started: 2026-03-04T02:54:00Z (earliest sign, before the alert)')
    expect(impact).toContain('Mitigated: 2026-03-04T03:30:00Z')
    expect(impact).toContain('Duration of impact: 36 min')
    const atResolution = section(full({ mitigatedAt: at('03:40') }), 'impact')
    expect(atResolution).toContain('Mitigated: at the resolution (no earlier mitigation recorded)')
    expect(atResolution).toContain('Duration of impact: 46 min')
  })

  it('says how it was noticed and the time to detect', () => {
    expect(section(full(), 'detection')).toBe('Noticed by an alert from gcp\nFirst sign at 2026-03-04T02:54:00Z; time to detect: 8 min')
    const declared = full({ source: 'slack', createdBy: 'U9', detectedAt: null }, { timeline: { ...timelineOf(), events: [] } })
    expect(section(declared, 'detection')).toBe('Reported in Slack by <@U9>\nTime to detect unknown: no earlier sign than the alert was recorded')
    const declaredEvent = { occurredAt: at('03:02'), kind: 'declared', actor: 'U9', text: 'Declared', link: null, dedupeKey: 'd' }
    const viaForm = full(
      { source: 'slack', createdBy: 'U9' },
      { timeline: { ...timelineOf([declaredEvent]), events: timelineOf([declaredEvent]).events.filter((e) => e.kind !== 'alert_fired') } },
    )
    expect(section(viaForm, 'detection')).toMatch(/^Declared by <@U9>/)
  })

  it('shows response times, unknown when null and never 0', () => {
    expect(section(full(), 'response_times')).toBe('Time to acknowledge (MTTA): 3 min by <@U1>\nTime to mitigate: 36 min\nTime to resolve (MTTR): 46 min')
    const unknown = section(full({ ttaSeconds: null, ttmSeconds: null, ttrSeconds: null, acknowledgedBy: null }), 'response_times')
    expect(unknown).toBe('Time to acknowledge (MTTA): unknown\nTime to mitigate: unknown\nTime to resolve (MTTR): unknown')
  })

  it('keeps only key events in the timeline', () => {
    const timeline = section(full(), 'timeline')
    expect(timeline).toContain('Acknowledged (<@U1>)')
    expect(timeline).toContain('Severity warning → critical')
    expect(timeline).toContain('INC-61 resolved')
    expect(timeline).not.toContain('look at this graph')
  })

  it('says what was not recorded instead of inventing it', () => {
    const bare = full(
      {
        rootCause: null,
        contributingFactors: null,
        resolution: null,
        resolutionOutcome: null,
        diagnosisLabel: null,
        sameIncident: null,
        commanderId: null,
        playbookId: null,
      },
      { analysis: null, followUps: [], executions: [] },
    )
    expect(section(bare, 'root_cause')).toBe('Root cause not recorded\nContributing factors not recorded')
    expect(section(full(), 'root_cause')).toBe('Root cause: fraud-check 2.4 slow query\nContributing factors: no canary stage for fraud-check releases')
    expect(section(bare, 'summary')).toContain('Commander not recorded')
    expect(section(bare, 'summary')).toContain('Resolution not recorded')
    expect(section(bare, 'assessment')).toBe('No analysis ran on this incident')
    expect(section(bare, 'follow_ups')).toBe('No follow-up actions recorded')
    expect(section(bare, 'playbook')).toBe('No playbook ran on this incident')
  })

  it('shows the current figures of the playbook the incident used', () => {
    const definition = playbookSchema.parse({
      id: 'latency-slow-dependency',
      title: 'Slow dependency',
      version: 1,
      description: 'd',
      match: { keywords: ['latency'] },
      steps: [{ id: 'look', kind: 'query', title: 'look', source: 'logs', assert: { stat: 'count', op: '>', value: 0, description: 'any' } }],
    })
    const [figures] = computePlaybookEffectiveness({
      playbooks: [{ id: definition.id, title: definition.title, version: 1, definition }],
      runs: [],
      comparables: [],
    })
    expect(section(full({}, { playbook: figures! }), 'playbook')).toBe(
      'Slow dependency (latency-slow-dependency, v1): needs 5 more runs with a recorded outcome to be ranked (has 0)\nno runs yet',
    )
  })

  describe('what the bot got right and wrong', () => {
    it('puts the diagnosis next to the recorded root cause, the verdict, the rank of the same incident and the playbook', () => {
      expect(section(full(), 'assessment')).toBe(
        [
          'Diagnosis: fraud-check is slow (confidence 72%)',
          'Recorded root cause: fraud-check 2.4 slow query',
          'The team judged the diagnosis right',
          'INC-42 (named as really the same) was match #2 of 2',
          'Suggested playbook latency-slow-dependency was the one used (outcome: worked)',
        ].join('\n'),
      )
    })

    it('says when the same incident was not matched and another playbook fixed it', () => {
      const input = full(
        { diagnosisLabel: 'wrong', sameIncident: { id: 'z', number: 7, title: 'x' }, playbookId: 'restart-pods' },
        { analysis: { ...full().analysis!, matches: [{ id: 'a', number: 40 }] } },
      )
      const assessment = section(input, 'assessment')
      expect(assessment).toContain('The team judged the diagnosis wrong')
      expect(assessment).toContain('INC-7 (named as really the same) was not among the 1 matches')
      expect(assessment).toContain('Suggested playbook latency-slow-dependency was not the fix: restart-pods was')
    })

    it('takes the last completed run as the fix when none is recorded on the incident', () => {
      const input = full({ playbookId: null }, { executions: [{ playbookId: 'restart-pods', title: 'Restart', status: 'completed' }] })
      expect(section(input, 'assessment')).toContain('Suggested playbook latency-slow-dependency was not the fix: restart-pods was')
      const none = full({ playbookId: null, diagnosisLabel: null }, { executions: [] })
      expect(section(none, 'assessment')).toContain('no playbook is recorded as the fix')
      expect(section(none, 'assessment')).toContain('verdict on the diagnosis was not recorded')
    })
  })
})

describe('reviewToMarkdown', () => {
  it('writes a heading per section and a bullet per line, escaping markup', () => {
    const markdown = reviewToMarkdown(draftReview(full({ title: 'latency *spike* <script>', rootCause: 'a | b [x](y)' })))
    expect(markdown.startsWith('# Post-incident review: INC-61 latency \\*spike\\* \\<script\\>\n')).toBe(true)
    expect(markdown).toContain('## Root cause and contributing factors\n\n- Root cause: a \\| b \\[x\\](y)\n')
    expect(markdown).toContain('- Add an index — @U2, due 2026-03-20')
    expect(markdown.match(/^## /gm)).toHaveLength(9)
  })
})
