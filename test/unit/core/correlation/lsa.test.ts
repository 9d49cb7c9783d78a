import { describe, expect, it } from 'vitest'
import { LsaModel, symmetricEigen } from '../../../../src/core/correlation/lsa'

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0)

describe('symmetricEigen', () => {
  it('finds the eigenvalues and eigenvectors of a symmetric matrix', () => {
    // [[2, 1], [1, 2]]: eigenvalues 1 and 3, eigenvectors (1, -1) and (1, 1) over √2.
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2)
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
    expect(order.map(([v]) => v)).toEqual([expect.closeTo(1, 9), expect.closeTo(3, 9)])
    const top = order[1]![1]
    expect(Math.abs(vectors[0 * 2 + top]!)).toBeCloseTo(Math.SQRT1_2, 9)
    expect(vectors[0 * 2 + top]! * vectors[1 * 2 + top]!).toBeGreaterThan(0)
  })
})

describe('LsaModel', () => {
  const history = [
    'namenode crash on restart after upgrade',
    'nn crash on restart after upgrade',
    'namenode heap exhausted, restart loops',
    'nn heap exhausted, restart loops',
    'datanode disk full, block reports fail',
    'datanode volume failure, block reports fail',
    'yarn resourcemanager web ui shows wrong queue',
    'resourcemanager web ui shows wrong queue capacity',
  ]

  it('keeps every cosine of the TF-IDF rows when the rank covers the whole history', () => {
    const full = LsaModel.fit(history, { rank: history.length, minDocuments: 1 })
    const tfidf = LsaModel.fit(history, { rank: history.length, minDocuments: 1, powerIterations: 4, seed: 7 })
    const a = full.embedOne(history[0]!)
    const b = full.embedOne(history[1]!)
    // Two fits with different sketches agree: the row space is recovered exactly, not approximately.
    expect(cosine(a, b)).toBeCloseTo(cosine(tfidf.embedOne(history[0]!), tfidf.embedOne(history[1]!)), 6)
    expect(cosine(a, a)).toBeCloseTo(1, 9)
  })

  it('brings together words that occur in the same reports (nn and namenode), which no word matching does', () => {
    const model = LsaModel.fit(history, { rank: 3, minDocuments: 1 })
    const query = model.embedOne('nn restart')
    const namenode = model.embedOne('namenode crash on restart after upgrade')
    const yarn = model.embedOne('resourcemanager web ui shows wrong queue')
    expect(cosine(query, namenode)).toBeGreaterThan(cosine(query, yarn) + 0.3)
  })

  it('is deterministic for a seed and gives a zero vector to text it has no word of', () => {
    const one = LsaModel.fit(history, { rank: 4, minDocuments: 1, seed: 3 })
    const two = LsaModel.fit(history, { rank: 4, minDocuments: 1, seed: 3 })
    expect(one.embedOne('datanode disk full')).toEqual(two.embedOne('datanode disk full'))
    expect(one.rank).toBe(4)
    expect(one.embedOne('kubernetes ingress').every((x) => x === 0)).toBe(true)
  })

  it('caps the rank at the vocabulary and the number of reports', () => {
    expect(LsaModel.fit(['alpha beta', 'beta gamma'], { rank: 200, minDocuments: 1 }).rank).toBe(2)
  })
})
