import { describe, expect, it } from 'vitest'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildIncidentRootMessage, buildStormMembersMessage, type IncidentView } from '../../../../src/slack/blocks/incident-blocks'

function member(number: number, overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    number,
    title: `orders-api replica ${number} unreachable`,
    service: 'orders-api',
    severity: 'critical',
    status: 'open',
    source: 'generic',
    startedAt: new Date('2026-12-06T05:00:00Z'),
    resolvedAt: null,
    alertCount: 1,
    url: null,
    summary: '',
    links: [],
    ...overrides,
  }
}

describe('storm messages', () => {
  it('list each member on one line, escaped, and stay valid with 40 long hostile titles', () => {
    const hostile = `<!channel> <https://evil.example|approve here> & ${'<'.repeat(400)}`
    const members = Array.from({ length: 40 }, (_, i) => member(i + 2, { title: hostile }))
    const message = buildStormMembersMessage(members)
    expect(findBlockKitViolations(message.blocks)).toEqual([])
    const lines = message.blocks.flatMap((b) => ((b as { text?: { text?: string } }).text?.text ?? '').split('\n'))
    expect(lines).toHaveLength(40)
    expect(lines.join('\n')).not.toContain('<!channel>')
    expect(message.text).toBe('Storm: INC-2 … INC-41 joined this incident')
  })

  it('marks a resolved member', () => {
    const [line] = buildStormMembersMessage([member(3, { status: 'resolved', resolvedAt: new Date() })]).blocks
    expect(JSON.stringify(line)).toContain(':white_check_mark: INC-3 ')
  })

  it("counts the storm on the first incident's root message", () => {
    const root = buildIncidentRootMessage({ ...member(1), stormSize: 19 }, { phase: 'analyzing' })
    expect(root.text).toContain('storm of 20 incidents')
    expect(JSON.stringify(root.blocks)).toContain('19 more incidents of orders-api joined this thread')
    expect(JSON.stringify(buildIncidentRootMessage(member(1), { phase: 'analyzing' }))).not.toContain('Storm')
  })
})
