import { describe, expect, it } from 'vitest'
import { StoredTemplateIndex, templateCovers } from '../../../../../src/core/analysis/logs/match-stored-template'

describe('templateCovers', () => {
  it('lets a parameter cover a value or a narrower parameter, token by token', () => {
    expect(templateCovers('login failed for user <*>', 'login failed for user alice')).toBe(true)
    expect(templateCovers('GET <*> took <*>', 'GET /v1/<*> took <*>ms')).toBe(true)
    expect(templateCovers('id=<*> refused', 'id=<*> refused')).toBe(true)
  })

  it('does not cover a different word, a wider parameter or another length', () => {
    expect(templateCovers('login failed for user alice', 'login failed for user <*>')).toBe(false)
    expect(templateCovers('id=<*> refused', '<*> refused')).toBe(false)
    expect(templateCovers('login failed for <*>', 'login failed for user alice')).toBe(false)
    expect(templateCovers('login ok for user <*>', 'login failed for user bob')).toBe(false)
  })
})

describe('StoredTemplateIndex', () => {
  const stored = [
    { id: 1, template: '<*> <*> <*> <*>' },
    { id: 2, template: 'payment <*> declined: <*>' },
    { id: 3, template: 'payment <*> declined: card expired' },
    { id: 4, template: 'login failed for user alice' },
  ]
  const index = new StoredTemplateIndex(stored)

  it('prefers the equal text, then a stored template that covers the mined one', () => {
    expect(index.match('payment <*> declined: card expired')).toEqual({ stored: stored[2], template: 'payment <*> declined: card expired' })
    expect(index.match('payment <*> declined: fraud')).toEqual({ stored: stored[1], template: 'payment <*> declined: <*>' })
  })

  it('hands back the mined text when it has generalised past the stored one', () => {
    expect(index.match('login failed for user <*>')).toEqual({ stored: stored[3], template: 'login failed for user <*>' })
  })

  it('never matches through templates of parameters only, in either direction', () => {
    expect(index.match('disk full on sda1')).toBeNull()
    expect(index.match('<*> <*> <*> <*>')).toBeNull()
  })
})
