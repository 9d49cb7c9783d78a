import { describe, expect, it } from 'vitest'
import { HOUR_MS, MINUTE_MS, DAY_MS } from '../../../../src/core/durations'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildIncidentRootMessage, buildResolvedReply, type IncidentView } from '../../../../src/slack/blocks/incident-blocks'
import { RESOLVE_ACTION_ID } from '../../../../src/slack/blocks/resolution-blocks'
import { TIMELINE_ACTION_ID } from '../../../../src/slack/blocks/incident-action-ids'

const startedAt = new Date('2024-05-14T09:12:03Z')

function buildIncidentView(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    number: 12,
    title: 'invoice-worker OOM killer',
    summary: '',
    service: 'invoice-worker-3',
    severity: 'high',
    status: 'open',
    source: 'gcp',
    startedAt,
    resolvedAt: null,
    alertCount: 1,
    url: 'https://console.cloud.google.com/monitoring/alerting/incidents/0.mv1k5q0z3a2b',
    links: [],
    ...overrides,
  }
}

const textOf = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks)

describe('buildIncidentRootMessage', () => {
  it('shows what the alert said, escaped so it cannot ping or link', () => {
    const root = buildIncidentRootMessage(buildIncidentView({ summary: 'Killed process 2281 <!channel> <https://evil.example|approve>' }), { phase: 'new' })

    expect(textOf(root)).toContain('Killed process 2281 &lt;!channel&gt; &lt;https://evil.example|approve&gt;')
    expect(findBlockKitViolations(root.blocks)).toEqual([])
  })

  it('cuts a long alert text, saying so', () => {
    const root = buildIncidentRootMessage(buildIncidentView({ summary: 'x'.repeat(5000) }), { phase: 'new' })

    expect(textOf(root)).toContain(`${'x'.repeat(699)}…`)
    expect(textOf(root)).not.toContain('x'.repeat(700))
  })

  it("shows the alert's links (runbook, silence) as Slack links with escaped labels", () => {
    const links = [
      { label: 'Runbook', url: 'https://runbooks.acme.dev/batch/oom' },
      { label: 'Silence <@U0ALL>', url: 'https://alertmanager.example/#/silences/new?filter=%7Balertname%3D%22X%22%7D' },
    ]
    const root = buildIncidentRootMessage(buildIncidentView({ links }), { phase: 'analyzing' })

    expect(textOf(root)).toContain('<https://runbooks.acme.dev/batch/oom|Runbook>')
    expect(textOf(root)).toContain('<https://alertmanager.example/#/silences/new?filter=%7Balertname%3D%22X%22%7D|Silence &lt;@U0ALL&gt;>')
  })

  it('adds no block for an alert without text or links', () => {
    const bare = buildIncidentRootMessage(buildIncidentView(), { phase: 'new' })

    expect(bare.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions'])
  })

  it('ends with a Resolve button carrying the incident number, which offers to record the fix once resolved', () => {
    const open = buildIncidentRootMessage(buildIncidentView(), { phase: 'analyzed' })
    expect(open.blocks.at(-1)).toMatchObject({ type: 'actions' })
    expect(open.blocks.at(-1)).toHaveProperty(
      'elements',
      expect.arrayContaining([{ type: 'button', action_id: RESOLVE_ACTION_ID, text: { type: 'plain_text', text: 'Resolve' }, value: '12' }]),
    )
    const resolved = buildIncidentRootMessage(buildIncidentView({ status: 'resolved', resolvedAt: new Date() }), { phase: 'analyzed' })
    expect(resolved.blocks.at(-1)).toMatchObject({ elements: [{ text: { text: 'Record what fixed it' } }, { action_id: TIMELINE_ACTION_ID, value: '12' }] })
  })
})

describe('buildResolvedReply', () => {
  it.each([
    [5 * MINUTE_MS, 'resolved after 5 min'],
    [2 * HOUR_MS + 31 * MINUTE_MS, 'resolved after 2 h 31 min'],
    [2 * DAY_MS + 15 * HOUR_MS, 'resolved after 2 d 15 h'],
  ])('reads %d ms as a duration', (ms, expected) => {
    const reply = buildResolvedReply(buildIncidentView({ status: 'resolved', resolvedAt: new Date(startedAt.getTime() + ms) }))

    expect(reply.text).toContain(expected)
  })
})
