import { describe, expect, it } from 'vitest'
import { averageWeightedLength, bm25fIdf, bm25fScore, type FieldCounts, type FieldDocument } from '../../../../src/core/correlation/bm25f'

/** A document from its fields' tokens, the way the trigger-kept table stores it. */
function doc(title: string[], description: string[], resolution: string[] = []): FieldDocument {
  const counts = new Map<string, FieldCounts>()
  const add = (tokens: string[], field: keyof FieldCounts) => {
    for (const t of tokens) {
      const c = counts.get(t) ?? { title: 0, description: 0, resolution: 0 }
      c[field]++
      counts.set(t, c)
    }
  }
  add(title, 'title')
  add(description, 'description')
  add(resolution, 'resolution')
  return { counts, lengths: { title: title.length, description: description.length, resolution: resolution.length } }
}

describe('bm25fScore', () => {
  // Weighted lengths (title × 2): 2·2 + 3 = 7, 2·2 + 1 = 5, 2·1 + 2 + 1 = 5; average 17 / 3.
  const d1 = doc(['disk', 'full'], ['disk', 'disk', 'error'])
  const d2 = doc(['network', 'timeout'], ['disk'])
  const d3 = doc(['cpu'], ['cpu', 'high'], ['restart'])
  const average = averageWeightedLength({ documents: 3, title: 5, description: 6, resolution: 1 })

  it('computes the average weighted length and the IDF from the kept totals', () => {
    expect(average).toBeCloseTo(17 / 3, 12)
    // ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln 1.6
    expect(bm25fIdf(3, 2)).toBeCloseTo(0.470004, 6)
  })

  it('scores by hand-computed values: weighted tf 2·1 + 2 = 4 in a long document, 1 in a short one', () => {
    const disk = [{ term: 'disk', idf: bm25fIdf(3, 2) }]
    // 0.470004 × 4 × 2.2 / (4 + 1.2 × (0.25 + 0.75 × 7 / 5.6667))
    expect(bm25fScore(disk, d1, average)).toBeCloseTo(0.764267, 6)
    // 0.470004 × 1 × 2.2 / (1 + 1.2 × (0.25 + 0.75 × 5 / 5.6667))
    expect(bm25fScore(disk, d2, average)).toBeCloseTo(0.493768, 6)
    expect(bm25fScore(disk, d3, average)).toBe(0)
    // cpu: once in the title (×2) and once in the description: tf 3; idf ln(1 + 2.5 / 1.5)
    const cpu = [{ term: 'cpu', idf: bm25fIdf(3, 1) }]
    expect(bm25fScore(cpu, d3, average)).toBeCloseTo((0.980829 * 3 * 2.2) / (3 + 1.2 * (0.25 + (0.75 * 5) / (17 / 3))), 5)
  })

  it('sums over the query terms and counts a title word above the same word in the description', () => {
    const query = [
      { term: 'disk', idf: bm25fIdf(3, 2) },
      { term: 'timeout', idf: bm25fIdf(3, 1) },
    ]
    expect(bm25fScore(query, d2, average)).toBeCloseTo(bm25fScore(query.slice(0, 1), d2, average) + bm25fScore(query.slice(1), d2, average), 12)
    const inTitle = doc(['latency'], ['a', 'b'])
    const inDescription = doc(['a'], ['latency', 'b'])
    const latency = [{ term: 'latency', idf: 1 }]
    expect(bm25fScore(latency, inTitle, 4)).toBeGreaterThan(bm25fScore(latency, inDescription, 4))
  })
})
