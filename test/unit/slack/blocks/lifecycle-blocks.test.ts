import { describe, expect, it } from 'vitest'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { ACKNOWLEDGE_ACTION_ID, SEVERITY_ACTION_ID, TIMELINE_ACTION_ID, UPDATE_ACTION_ID } from '../../../../src/slack/blocks/incident-action-ids'
import { buildIncidentRootMessage, type IncidentView } from '../../../../src/slack/blocks/incident-blocks'
import { buildAcknowledgedLine, buildDeclareModal, buildStatusUpdateModal, mention, parseSeverityChoice } from '../../../../src/slack/blocks/lifecycle-blocks'

const startedAt = new Date('2026-05-14T09:12:03Z')
const view = (overrides: Partial<IncidentView> = {}): IncidentView => ({
  number: 61,
  title: 'payment-api latency',
  summary: '',
  service: 'payment-api',
  severity: 'high',
  status: 'open',
  source: 'gcp',
  startedAt,
  resolvedAt: null,
  alertCount: 1,
  url: null,
  links: [],
  ...overrides,
})
type Element = { action_id?: string; type: string; value?: string; initial_option?: { value: string } }
const actionsOf = (message: { blocks: unknown[] }) => (message.blocks.at(-1) as { elements: Element[] }).elements

describe('the root message of the incident lifecycle', () => {
  it('offers Acknowledge, Update, Resolve, Timeline and the severity menu while nobody has acknowledged', () => {
    const root = buildIncidentRootMessage(view(), { phase: 'analyzed' })
    expect(actionsOf(root).map((e) => e.action_id)).toEqual([
      ACKNOWLEDGE_ACTION_ID,
      UPDATE_ACTION_ID,
      'incident_resolve',
      TIMELINE_ACTION_ID,
      SEVERITY_ACTION_ID,
    ])
    expect(actionsOf(root).find((e) => e.action_id === SEVERITY_ACTION_ID)?.initial_option?.value).toBe('61:high')
    expect(JSON.stringify(root.blocks)).toContain('Not acknowledged yet')
    expect(JSON.stringify(root.blocks)).toContain('_none yet_')
    expect(findBlockKitViolations(root.blocks)).toEqual([])
  })

  it('drops Acknowledge once acknowledged and shows who leads, who acknowledged, the stage and the latest update', () => {
    const root = buildIncidentRootMessage(
      view({
        commanderId: 'U0CMD',
        acknowledgedBy: 'U0ACK',
        acknowledgedAt: new Date(startedAt.getTime() + 60_000),
        responseStage: 'identified',
        latestUpdate: { stage: 'identified', text: 'bad deploy <!here>', by: 'U0ACK', at: new Date(startedAt.getTime() + 120_000) },
      }),
      { phase: 'analyzed' },
    )
    const text = JSON.stringify(root.blocks)
    expect(actionsOf(root).map((e) => e.action_id)).not.toContain(ACKNOWLEDGE_ACTION_ID)
    expect(text).toContain('<@U0CMD>')
    expect(text).toContain('Acknowledged by <@U0ACK> <!date^')
    expect(text).toContain(':bulb: Identified')
    expect(text).toContain('bad deploy &lt;!here&gt;')
    expect(findBlockKitViolations(root.blocks)).toEqual([])
  })

  it('keeps Resolve and Timeline only, and the stage resolved, once resolved', () => {
    const root = buildIncidentRootMessage(view({ status: 'resolved', resolvedAt: new Date(), responseStage: 'monitoring' }), { phase: 'analyzed' })
    expect(actionsOf(root).map((e) => e.action_id)).toEqual(['incident_resolve', TIMELINE_ACTION_ID])
    expect(JSON.stringify(root.blocks)).toContain(':white_check_mark: Resolved')
    expect(JSON.stringify(root.blocks)).not.toContain('Not acknowledged yet')
  })

  it('stays within Slack limits with the longest texts', () => {
    const long = 'x'.repeat(3000)
    const root = buildIncidentRootMessage(
      view({ title: long, summary: long, latestUpdate: { stage: 'monitoring', text: 'u'.repeat(3000), by: 'U0001', at: startedAt } }),
      {
        phase: 'analyzed',
        summary: long,
      },
    )
    expect(findBlockKitViolations(root.blocks)).toEqual([])
    expect(JSON.stringify(root.blocks)).not.toContain('u'.repeat(501))
  })
})

describe('lifecycle builders', () => {
  it('shows only real user ids as mentions', () => {
    expect(mention('U012ABC')).toBe('<@U012ABC>')
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;')
  })

  it('reads the severity menu value back, refusing anything else', () => {
    expect(parseSeverityChoice('61:critical')).toEqual({ incidentNumber: 61, severity: 'critical' })
    expect(parseSeverityChoice('61:urgent')).toBeNull()
    expect(parseSeverityChoice('critical')).toBeNull()
  })

  it('builds modals the validator accepts', () => {
    expect(findBlockKitViolations(buildDeclareModal({ channel: 'C1', initialTitle: 'x'.repeat(300) }).blocks, 'modal')).toEqual([])
    const update = buildStatusUpdateModal({ incidentId: 'id', label: 'INC-61', title: 'x'.repeat(5000), stage: 'monitoring', channel: null })
    expect(findBlockKitViolations(update.blocks, 'modal')).toEqual([])
    expect(JSON.stringify(update.blocks)).toContain('"initial_option":{"text":{"type":"plain_text","text":"Monitoring"},"value":"monitoring"}')
  })

  it('says unknown times as nothing rather than zero', () => {
    expect(buildAcknowledgedLine('INC-1', 'U0001', null, false).text).toBe(':raising_hand: <@U0001> acknowledged INC-1.')
    expect(buildAcknowledgedLine('INC-1', 'U0001', 125, true).text).toBe(
      ':raising_hand: <@U0001> acknowledged INC-1 after 2 min and is the incident commander.',
    )
  })
})
