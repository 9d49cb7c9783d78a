import { describe, expect, it } from 'vitest'
import { decideStorm, type StormNeighbourhood } from '../../../../src/core/incidents/storm'

const settings = { threshold: 5, windowMs: 5 * 60_000, settleMs: 10_000 }
const first = { id: 'first', number: 1 }

function around(overrides: Partial<StormNeighbourhood> = {}): StormNeighbourhood {
  return { siblings: 0, earliest: null, joinedParentId: null, ageMs: 0, ...overrides }
}

describe('decideStorm', () => {
  it('leaves an incident alone when nothing of its service or policy opened around it', () => {
    expect(decideStorm({ id: 'a', number: 7, stormSize: 0 }, around(), settings)).toEqual({ kind: 'alone' })
  })

  it('analyses the first incident of a storm itself', () => {
    const decision = decideStorm({ id: 'first', number: 1, stormSize: 0 }, around({ siblings: 19, earliest: { id: 'b', number: 2 } }), settings)
    expect(decision).toEqual({ kind: 'alone' })
    expect(decideStorm({ id: 'first', number: 1, stormSize: 3 }, around({ siblings: 19, joinedParentId: 'first' }), settings)).toEqual({ kind: 'alone' })
  })

  it('makes a follower one line of the first incident once the window holds the threshold', () => {
    expect(decideStorm({ id: 'e', number: 5, stormSize: 0 }, around({ siblings: 4, earliest: first }), settings)).toEqual({ kind: 'member', parentId: 'first' })
  })

  it('lets a follower below the threshold wait out the settle time, then gives it a thread of its own', () => {
    const second = { id: 'b', number: 2, stormSize: 0 }
    expect(decideStorm(second, around({ siblings: 1, earliest: first, ageMs: 4_000 }), settings)).toEqual({ kind: 'wait', ms: 6_000 })
    expect(decideStorm(second, around({ siblings: 1, earliest: first, ageMs: 10_000 }), settings)).toEqual({ kind: 'alone' })
  })

  it('keeps a storm going past its window: a newcomer joins the parent its latest sibling joined', () => {
    const decision = decideStorm({ id: 'z', number: 90, stormSize: 0 }, around({ siblings: 1, earliest: null, joinedParentId: 'first' }), settings)
    expect(decision).toEqual({ kind: 'member', parentId: 'first' })
  })

  it('never groups with a threshold of 0', () => {
    expect(decideStorm({ id: 'e', number: 5, stormSize: 0 }, around({ siblings: 40, earliest: first }), { ...settings, threshold: 0 })).toEqual({
      kind: 'alone',
    })
  })
})
