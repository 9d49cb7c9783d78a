import { MESSAGE_MAX_BLOCKS, SECTION_MAX_CHARS } from '../../../../src/slack/blocks/packed-sections'
import { describe, expect, it } from 'vitest'
import type { IncidentReview } from '../../../../src/core/incidents/review'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildReviewMessages } from '../../../../src/slack/blocks/review-blocks'

const sectionTexts = (review: IncidentReview) =>
  buildReviewMessages(review).flatMap((m) => m.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : [])))

describe('buildReviewMessages', () => {
  it('continues a line longer than a section in the next one: every word is shown, every block within limits', () => {
    const words = Array.from({ length: 1500 }, (_, i) => `w${i}`)
    const review: IncidentReview = { incident: { number: 3, title: 't' }, sections: [{ id: 'root_cause', title: 'Root cause', lines: [[words.join(' ')]] }] }
    const texts = sectionTexts(review)
    expect(texts.length).toBeGreaterThan(2)
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(SECTION_MAX_CHARS)
    const shown = texts
      .join(' ')
      .split(/\s+/)
      .filter((t) => /^w\d+$/.test(t))
    expect(shown).toEqual(words)
    for (const m of buildReviewMessages(review)) expect(findBlockKitViolations(m.blocks)).toEqual([])
  })

  it('splits a long review into several messages of at most 50 blocks, numbered', () => {
    const sections = Array.from({ length: 60 }, (_, i) => ({ id: 'timeline' as const, title: `S${i}`, lines: [['x'.repeat(2990)]] }))
    const messages = buildReviewMessages({ incident: { number: 3, title: 't' }, sections })
    expect(messages.length).toBeGreaterThan(1)
    for (const m of messages) expect(m.blocks.length).toBeLessThanOrEqual(MESSAGE_MAX_BLOCKS)
    expect(messages[0]!.text).toContain(`(part 1 of ${messages.length})`)
    expect(messages.flatMap((m) => m.blocks).filter((b) => b.type === 'section' && b.text?.text.startsWith('*S'))).toHaveLength(60)
  })

  it('mentions stored Slack user ids and escapes everything else', () => {
    const [text] = sectionTexts({
      incident: { number: 3, title: 't' },
      sections: [{ id: 'summary', title: 'Summary', lines: [['Commander: ', { user: 'U0ALICE' }, ' <!here> & co']] }],
    }).slice(1)
    expect(text).toBe('*Summary*\n• Commander: <@U0ALICE> &lt;!here&gt; &amp; co')
  })
})
