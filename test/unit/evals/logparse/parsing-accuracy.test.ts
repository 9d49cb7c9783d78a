import { describe, expect, it } from 'vitest'
import { scoreLogParsing } from '../../../../src/evals/logparse/parsing-accuracy'

describe('scoreLogParsing (Loghub-2.0 metrics)', () => {
  it('scores a perfect parse 1 everywhere', () => {
    const truth = ['a <*>', 'a <*>', 'b']
    expect(scoreLogParsing(truth, truth)).toMatchObject({
      groupingAccuracy: 1,
      parsingAccuracy: 1,
      groupingF1: 1,
      templateF1: 1,
      predictedTemplates: 2,
      trueTemplates: 2,
    })
  })

  it('counts a group only when it holds exactly the true group, and a template only when all its lines are right', () => {
    // truth A is split over A and Q; B is right.
    const score = scoreLogParsing(['A', 'A', 'A', 'B'], ['A', 'A', 'Q', 'B'])
    expect(score.groupingAccuracy).toBeCloseTo(1 / 4, 10)
    expect(score.parsingAccuracy).toBeCloseTo(3 / 4, 10)
    // one right group (B) of 3 predicted and 2 true groups
    expect(score.groupingF1).toBeCloseTo(0.4, 10)
    // predicted A covers only lines whose truth is A, so it counts, as in Loghub-2.0: precision 2/3, recall 2/2
    expect(score.templateF1).toBeCloseTo(0.8, 10)
  })

  it('judges grouping by the lines, whatever the template text', () => {
    const score = scoreLogParsing(['x <*>', 'x <*>', 'y'], ['T1', 'T1', 'T2'])
    expect(score.groupingAccuracy).toBe(1)
    expect(score.parsingAccuracy).toBe(0)
    expect(score.templateF1).toBe(0)
  })

  it('fails a group that also swallowed another true group', () => {
    const score = scoreLogParsing(['a', 'a', 'b'], ['<*>', '<*>', '<*>'])
    expect(score.groupingAccuracy).toBe(0)
  })

  it('leaves out messages without a true template', () => {
    const score = scoreLogParsing(['a', '', 'b'], ['a', 'junk', 'b'])
    expect(score.messages).toBe(2)
    expect(score.parsingAccuracy).toBe(1)
  })

  it('refuses predictions that do not line up with the truth', () => {
    expect(() => scoreLogParsing(['a'], [])).toThrow(RangeError)
  })
})
