import { describe, expect, it } from 'vitest'
import { tokenizeLogMessage } from '../../../../../src/core/analysis/logs/tokenize-log-message'

describe('tokenizeLogMessage', () => {
  it('splits on runs of whitespace and ignores leading and trailing space', () => {
    expect(tokenizeLogMessage('  boot  (command 1911)\t ok ')).toEqual({ tokens: ['boot', '(command', '1911)', 'ok'], truncated: false })
  })

  it('treats control characters as whitespace', () => {
    expect(tokenizeLogMessage('a\u0000b\u0007c\u007fd\u0085e').tokens).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('returns no tokens for an empty or blank message', () => {
    expect(tokenizeLogMessage('')).toEqual({ tokens: [], truncated: false })
    expect(tokenizeLogMessage(' \t\r ')).toEqual({ tokens: [], truncated: false })
  })

  it('cuts a message longer than maxChars, without splitting a surrogate pair', () => {
    const result = tokenizeLogMessage('ab😀cd', { maxChars: 3, maxTokens: 10 })
    expect(result).toEqual({ tokens: ['ab'], truncated: true })
  })

  it('keeps at most maxTokens tokens and says so only when more followed', () => {
    expect(tokenizeLogMessage('a b c d', { maxChars: 100, maxTokens: 2 })).toEqual({ tokens: ['a', 'b'], truncated: true })
    expect(tokenizeLogMessage('a b  ', { maxChars: 100, maxTokens: 2 })).toEqual({ tokens: ['a', 'b'], truncated: false })
  })
})
