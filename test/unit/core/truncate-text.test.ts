import { describe, expect, it } from 'vitest'
import { truncateText } from '../../../src/core/truncate-text'

describe('truncateText', () => {
  it('leaves text within the limit alone and ends a cut with an ellipsis, within the limit', () => {
    expect(truncateText('short', 10)).toBe('short')
    expect(truncateText('0123456789abc', 10)).toBe('012345678…')
    expect(truncateText('0123456789abc', 10)).toHaveLength(10)
  })

  it('never splits a surrogate pair', () => {
    const cut = truncateText(`abcd${'😀'.repeat(5)}`, 6)
    expect(cut).toBe('abcd…')
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
  })
})
