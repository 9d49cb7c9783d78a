import { describe, expect, it } from 'vitest'
import type { ReasoningStep } from '../../../../src/core/reasoning/reasoning-step'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildReasoningTrailMessages } from '../../../../src/slack/blocks/analysis-blocks'

const step = (position: number, size: number, evidence: number): ReasoningStep => ({
  position,
  question: `Question ${position}?`,
  query: `query ${position} `.repeat(size / 10),
  decision: `decision-${position} `.repeat(size / 12),
  discarded: [{ hypothesis: `h${position}`, reason: `reason ${position}` }],
  evidence: Array.from({ length: evidence }, (_, i) => ({
    source: 'logs' as const,
    title: `log ${position}.${i} <@U999>`,
    detail: `line ${i} `.repeat(500),
    link: 'https://console.cloud.google.com/logs',
    anomalous: i === 0,
    data: {},
  })),
})

describe('buildReasoningTrailMessages', () => {
  it('fits a short trail in one message', () => {
    const parts = buildReasoningTrailMessages([step(1, 100, 1), step(2, 100, 0)], { title: 'Reasoning trail of INC-1' })
    expect(parts).toHaveLength(1)
    expect(parts[0]!.text).toBe('Reasoning trail of INC-1 (part 1 of 1)')
  })

  it('splits a huge trail across valid messages without losing a character of it', () => {
    const steps = Array.from({ length: 6 }, (_, i) => step(i + 1, 9000, 12))
    const parts = buildReasoningTrailMessages(steps, { title: 'Reasoning trail of INC-9', footer: ['*Outcome*: done'] })
    expect(parts.length).toBeGreaterThan(2)
    parts.forEach((p, i) => {
      expect(findBlockKitViolations(p.blocks)).toEqual([])
      expect(p.text).toBe(`Reasoning trail of INC-9 (part ${i + 1} of ${parts.length})`)
    })
    const text = parts
      .flatMap((p) => p.blocks.slice(1))
      .map((b) => (b.type === 'section' && b.text ? b.text.text : ''))
      .join('')
    const squeezed = text.replace(/\s/g, '')
    for (const s of steps) {
      expect(squeezed).toContain(s.decision.replace(/\s/g, ''))
      expect(squeezed).toContain(s.query.replace(/\s/g, ''))
      for (const e of s.evidence) expect(squeezed).toContain(e.detail.replace(/\s/g, ''))
    }
    expect(text).not.toContain('continued in the trail')
    expect(text).not.toContain('<@U999>')
    expect(text).toContain('*Outcome*: done')
  })
})
