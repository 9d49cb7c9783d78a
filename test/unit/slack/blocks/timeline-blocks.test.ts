import { MESSAGE_MAX_BLOCKS, SECTION_MAX_CHARS } from '../../../../src/slack/blocks/packed-sections'
import { describe, expect, it } from 'vitest'
import type { Timeline, TimelineEvent } from '../../../../src/core/incidents/timeline'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildTimelineMessages, slackDate, timelineLine } from '../../../../src/slack/blocks/timeline-blocks'

const start = Date.parse('2026-03-04T03:00:00.000Z')

function timeline(events: TimelineEvent[], undated: TimelineEvent[] = []): Timeline {
  return { incident: { number: 61, title: 'payment-api latency' }, events, undated, detectedAt: null }
}

const event = (i: number, text = `event ${i}`): TimelineEvent => ({
  at: new Date(start + i * 1000),
  kind: 'status_update',
  source: 'responder',
  actor: 'U0ALICE',
  text,
  link: null,
})

const sectionTexts = (blocks: unknown[]) =>
  blocks.flatMap((b) => ((b as { type: string }).type === 'section' ? [(b as { text: { text: string } }).text.text] : []))

describe('buildTimelineMessages', () => {
  it('formats times for each reader with a UTC fallback, with the date when the timeline spans days', () => {
    expect(slackDate(new Date(start), false)).toBe(`<!date^${start / 1000}^{time}|03:00 UTC>`)
    expect(slackDate(new Date(start), true)).toBe(`<!date^${start / 1000}^{date_short} {time}|2026-03-04 03:00 UTC>`)
    const line = timelineLine({ ...event(0), kind: 'alert_fired', text: 'Alert fired 3×', until: new Date(start + 600_000) }, false)
    expect(line).toBe(
      `<!date^${start / 1000}^{time}|03:00 UTC> :bell: *Alert* Alert fired 3× between <!date^${start / 1000}^{time}|03:00 UTC> and ` +
        `<!date^${start / 1000 + 600}^{time}|03:10 UTC> — <@U0ALICE>`,
    )
    const [message] = buildTimelineMessages(timeline([event(0), { ...event(1), at: new Date(start + 86_400_000) }]))
    expect(sectionTexts(message!.blocks)[1]).toContain('{date_short} {time}')
  })

  it('shows an unknown kind by its own words, and a time it does not know as unknown', () => {
    const line = timelineLine({ at: null, kind: 'customer_comms', source: 'responder', actor: 'someone else', text: 'Status page updated', link: null }, false)
    expect(line).toBe('_time unknown_ :small_blue_diamond: *Customer comms* Status page updated — someone else')
  })

  it('splits a long timeline into messages within 50 blocks and 3000 characters a section, losing no event', () => {
    const events = Array.from({ length: 900 }, (_, i) => event(i, `${'x'.repeat(150)} #${i}`))
    const messages = buildTimelineMessages(timeline(events, [{ ...event(0, 'undated one'), at: null }]))
    expect(messages.length).toBeGreaterThan(1)
    for (const [i, m] of messages.entries()) {
      expect(m.blocks.length).toBeLessThanOrEqual(MESSAGE_MAX_BLOCKS)
      expect(findBlockKitViolations(m.blocks)).toEqual([])
      for (const text of sectionTexts(m.blocks)) expect(text.length).toBeLessThanOrEqual(SECTION_MAX_CHARS)
      expect(sectionTexts(m.blocks)[0]).toContain(`(part ${i + 1} of ${messages.length})`)
    }
    const all = messages.flatMap((m) => sectionTexts(m.blocks).slice(1)).join('\n')
    for (let i = 0; i < 900; i++) expect(all).toContain(` #${i}`)
    expect(all).toContain('undated one')
    expect(JSON.stringify(messages.at(-1)!.blocks)).toContain('1 event(s) with no recorded time are listed last.')
  })

  it('keeps a line whose escaped text is huge within one section, and its link only when it still fits', () => {
    const huge = { ...event(0, '<'.repeat(5000)), link: `https://example.com/${'a'.repeat(2000)}` }
    const [message] = buildTimelineMessages(timeline([huge]))
    const [, body] = sectionTexts(message!.blocks)
    expect(body!.length).toBeLessThanOrEqual(SECTION_MAX_CHARS)
    expect(body).toContain('&lt;&lt;')
    expect(body).toContain('…')
    expect(findBlockKitViolations(message!.blocks)).toEqual([])
  })

  it('says when nothing is recorded, and says the notes it is given', () => {
    const [message] = buildTimelineMessages({ ...timeline([]), detectedAt: new Date(start) }, ['Deploys around the incident could not be read: denied'])
    expect(sectionTexts(message!.blocks)[1]).toBe('_Nothing recorded yet._')
    const footer = JSON.stringify(message!.blocks.at(-1))
    expect(footer).toContain('the earliest anomaly before the alert')
    expect(footer).toContain('could not be read: denied')
  })
})
