import { describe, expect, it } from 'vitest'
import { canonicalizeToken, capturePattern, compilePattern, generalizeToken, tokenSkeleton } from '../../../../../src/core/analysis/logs/template-token'

describe('generalizeToken', () => {
  it.each([
    ['node-D3', 'node-D4', 'node-<*>'],
    ['bglio559', 'bglio344', '<*>'],
    ['rhost=<*>-<*>-<*>-<*>.hinet-ip.hinet.net', 'rhost=<*>.netvigator.com', 'rhost=<*>'],
    ['()', '(host8.topspot.net)', '(<*>)'],
    ['core.<*>', 'core.<*>', 'core.<*>'],
    ['chdir(<*>)', 'chdir(pwd)', 'chdir(<*>)'],
    ['alpha', 'beta', '<*>'],
    ['<*>', 'anything', '<*>'],
  ])('%s + %s → %s', (a, b, expected) => {
    expect(generalizeToken(a, b)).toBe(expected)
    expect(generalizeToken(b, a)).toBe(expected)
  })
})

describe('token patterns', () => {
  it('captures what each <*> stood for, leftmost and shortest', () => {
    const out: string[] = []
    expect(capturePattern(compilePattern('<*>:<*>')!, '10.251.73.220:50010', out)).toBe(true)
    expect(out).toEqual(['10.251.73.220', '50010'])
  })

  it('lets a parameter be empty, and refuses text that does not fit', () => {
    const out: string[] = []
    expect(capturePattern(compilePattern('(<*>)')!, '()', out)).toBe(true)
    expect(out).toEqual([''])
    expect(capturePattern(compilePattern('user=<*>')!, 'uid=0', null)).toBe(false)
    expect(capturePattern(compilePattern('a<*>b<*>c')!, 'abc', null)).toBe(true)
    expect(capturePattern(compilePattern('ab<*>ba')!, 'aba', null)).toBe(false)
  })

  it('has no pattern for a token without parameters', () => {
    expect(compilePattern('plain')).toBeNull()
  })
})

describe('canonicalizeToken and tokenSkeleton', () => {
  it('folds dotted and adjacent parameters as Loghub does, and keeps other separators', () => {
    expect(canonicalizeToken('<*>.<*>.<*>.<*>:<*>')).toBe('<*>:<*>')
    expect(canonicalizeToken('<*><*>-<*>')).toBe('<*>-<*>')
  })

  it('blanks numbers and parameters so only the words decide the shape', () => {
    expect(tokenSkeleton('bglio559')).toBe(tokenSkeleton('bglio3'))
    expect(tokenSkeleton('ee0')).not.toBe(tokenSkeleton('alt0'))
    expect(tokenSkeleton('node-<*>')).toBe('node-#')
  })
})
