import { describe, expect, it } from 'vitest'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'

const text = (value: string, type = 'mrkdwn') => ({ type, text: value })
const plain = (value: string) => text(value, 'plain_text')
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({ type: 'button', action_id: actionId, text: plain('Go'), ...extra })

describe('findBlockKitViolations', () => {
  it('accepts a typical incident message', () => {
    const blocks = [
      { type: 'header', text: plain('payment-api: p99 latency above 2s') },
      { type: 'section', text: text('*Likely cause:* connection pool exhausted'), fields: [text('*Service*\npayment-api'), text('*Confidence*\n82%')] },
      { type: 'context', elements: [text('Correlated with INC-1042'), { type: 'image', image_url: 'https://example.com/x.png', alt_text: 'graph' }] },
      { type: 'divider' },
      { type: 'actions', block_id: 'approval', elements: [button('approve', { style: 'primary', value: 'run-1' }), button('reject', { style: 'danger' })] },
    ]

    expect(findBlockKitViolations(blocks)).toEqual([])
  })

  describe('limits per message', () => {
    it('allows 50 blocks in a message and 100 in a view', () => {
      const blocks = (count: number) => Array.from({ length: count }, () => ({ type: 'divider' }))

      expect(findBlockKitViolations(blocks(50))).toEqual([])
      expect(findBlockKitViolations(blocks(51))).toHaveLength(1)
      expect(findBlockKitViolations(blocks(100), 'modal')).toEqual([])
    })

    it('requires block_id and action_id to be unique', () => {
      const blocks = [
        { type: 'actions', block_id: 'a', elements: [button('approve')] },
        { type: 'actions', block_id: 'a', elements: [button('approve')] },
      ]

      expect(findBlockKitViolations(blocks)).toEqual([
        expect.stringContaining('blocks[1].block_id: block_id "a" is used more than once'),
        expect.stringContaining('blocks[1].elements[0].action_id: action_id "approve" is used more than once'),
      ])
    })

    it('limits block_id and action_id to 255 characters', () => {
      const blocks = [{ type: 'actions', block_id: 'b'.repeat(256), elements: [button('a'.repeat(256))] }]

      expect(findBlockKitViolations(blocks)).toEqual([
        expect.stringContaining('block_id is 256 characters, the limit is 255'),
        expect.stringContaining('action_id is 256 characters, the limit is 255'),
      ])
    })
  })

  describe('blocks', () => {
    it('rejects unknown block types', () => {
      expect(findBlockKitViolations([{ type: 'carousel' }])).toEqual([expect.stringContaining('unknown block type "carousel"')])
    })

    it('requires header text to be plain_text of at most 150 characters', () => {
      expect(findBlockKitViolations([{ type: 'header', text: text('*bold*') }])).toEqual([expect.stringContaining('must be plain_text')])
      expect(findBlockKitViolations([{ type: 'header', text: plain('h'.repeat(151)) }])).toEqual([
        expect.stringContaining('(header block): is 151 characters, the limit is 150'),
      ])
    })

    it('limits section fields to 10, each at most 2000 characters', () => {
      const tooMany = { type: 'section', fields: Array.from({ length: 11 }, () => text('f')) }
      const tooLong = { type: 'section', fields: [text('f'.repeat(2001))] }

      expect(findBlockKitViolations([tooMany])).toEqual([expect.stringContaining('has 11 fields, at most 10 are allowed')])
      expect(findBlockKitViolations([tooLong])).toEqual([expect.stringContaining('blocks[0].fields[0].text (section block): is 2001 characters')])
    })

    it('limits actions to 25 elements and context to 10', () => {
      const actions = { type: 'actions', elements: Array.from({ length: 26 }, (_, index) => button(`b${index}`)) }
      const context = { type: 'context', elements: Array.from({ length: 11 }, () => text('c')) }

      expect(findBlockKitViolations([actions, context])).toEqual([
        expect.stringContaining('(actions block): has 26 elements, at most 25 are allowed'),
        expect.stringContaining('(context block): has 11 elements, at most 10 are allowed'),
      ])
    })
  })

  describe('buttons', () => {
    it('limits value to 2000 characters and url to 3000', () => {
      const blocks = [{ type: 'actions', elements: [button('v', { value: 'v'.repeat(2001) }), button('u', { url: `https://x.io/${'u'.repeat(3000)}` })] }]

      expect(findBlockKitViolations(blocks)).toEqual([
        expect.stringContaining('blocks[0].elements[0].value (button element): is 2001 characters, the limit is 2000'),
        expect.stringContaining('blocks[0].elements[1].url (button element): is 3013 characters, the limit is 3000'),
      ])
    })

    it('requires a plain_text label', () => {
      const blocks = [{ type: 'actions', elements: [{ type: 'button', action_id: 'x', text: text('*go*') }] }]

      expect(findBlockKitViolations(blocks)).toEqual([expect.stringContaining('(button element): must be plain_text')])
    })
  })
})
