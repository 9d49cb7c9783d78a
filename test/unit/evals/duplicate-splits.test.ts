import { describe, expect, it } from 'vitest'
import { bm25Tokens } from '../../../src/core/correlation/bm25-index'
import { FieldBm25, fuseByRank } from '../../../src/evals/duplicate-retrievers'
import { compareRetrievers, formatSplitReports, splitFigures } from '../../../src/evals/duplicate-splits'
import type { BugReport } from '../../../src/evals/gitbugs/read-gitbugs-reports'

const day = (n: number) => new Date(Date.UTC(2024, 0, n))
const bug = (id: string, n: number, summary: string, description = ''): BugReport => ({
  id,
  summary,
  description,
  created: day(n),
  resolved: null,
  resolution: '',
})

describe('splitFigures', () => {
  it('counts recall at 1, 5 and 10 and the reciprocal rank of the first right answer in the top 10', () => {
    const list = (...ids: string[]) => ids.map((id, i) => ({ id, score: 10 - i }))
    const figures = splitFigures([
      { ranking: list('a', 'b'), answers: new Set(['a']) },
      { ranking: list('x', 'y', 'a'), answers: new Set(['a']) },
      { ranking: list('x', 'y'), answers: new Set(['a']) },
      { ranking: [], answers: new Set(['a']) },
    ])
    expect(figures.recall).toEqual({ 1: 0.25, 5: 0.5, 10: 0.5 })
    expect(figures.mrr).toBeCloseTo((1 + 1 / 3) / 4, 9)
    // Brier skill is measured against always forecasting the split's rate of right first places.
    expect(figures.brierSkill).toBeCloseTo(1 - figures.brier / (0.25 * 0.75), 9)
    expect(figures.spiegelhalterP).toBeGreaterThan(0)
  })
})

describe('fuseByRank', () => {
  it('with the second list at weight 0 is the first list, and otherwise lets agreement win', () => {
    const bm25 = [{ id: 'a' }, { id: 'b' }, { id: 'c' }]
    const other = [{ id: 'b' }, { id: 'c' }, { id: 'a' }]
    expect(
      fuseByRank([
        { weight: 1, ranked: bm25 },
        { weight: 0, ranked: other },
      ]).map((r) => r.id),
    ).toEqual(['a', 'b', 'c'])
    expect(
      fuseByRank([
        { weight: 1, ranked: bm25 },
        { weight: 1, ranked: other },
      ])[0]!.id,
    ).toBe('b')
  })
})

describe('FieldBm25', () => {
  const index = new FieldBm25(bm25Tokens, { title: 2, description: 1, resolution: 0 })
  for (const r of [
    { id: '1', title: 'namenode crash', body: 'the namenode crashed on restart with an out of memory error', created: day(1) },
    { id: '2', title: 'datanode disk full', body: 'crash on restart: the namenode log shows heap exhausted', created: day(2) },
    { id: '3', title: 'web ui typo', body: 'a typo in the yarn web ui', created: day(3) },
    { id: '4', title: 'namenode crash again', body: 'heap exhausted', created: day(9) },
  ]) {
    index.add(r)
  }

  it('counts title words more than description words, and searches only what came before', () => {
    const found = index.search(index.queryTerms({ title: 'namenode crash', body: '' }), day(5))
    expect(found.map((r) => r.id)).toEqual(['1', '2'])
  })

  it('expands the query with the words of its best matches (RM3), keeping half the weight on the original words', () => {
    const expanded = index.expand(index.queryTerms({ title: 'namenode crash', body: '' }), day(5))
    expect(expanded.size).toBeGreaterThan(2)
    const original = (expanded.get('namenode') ?? 0) + (expanded.get('crash') ?? 0)
    expect(original).toBeGreaterThanOrEqual(0.5)
    expect([...expanded.values()].reduce((s, w) => s + w, 0)).toBeCloseTo(1, 9)
  })
})

describe('compareRetrievers', () => {
  const topics = ['namenode heap exhausted restart', 'datanode disk volume failure', 'yarn queue capacity scheduler', 'kerberos ticket renewal expired']
  const reports: BugReport[] = []
  topics.forEach((topic, t) => {
    for (let k = 0; k < 4; k++) reports.push(bug(`${t}-${k}`, 1 + t * 5 + k, `${topic} case ${k}`, `${topic.split(' ').reverse().join(' ')} seen again`))
  })
  const query = (id: string, answer: string) => ({ report: reports.find((r) => r.id === id)!, answers: new Set([answer]) })
  const splits = [
    { name: 'one', queries: [query('0-1', '0-0'), query('1-1', '1-0')] },
    { name: 'two', queries: [query('2-1', '2-0'), query('3-1', '3-0')] },
  ]

  it('reports every retriever and fusion on each split, on all together and on the perturbed queries, with leave-one-split-out weights', () => {
    const out = compareRetrievers(reports, splits, { 'always the first report': () => ({ ranking: [{ id: '0-0', score: 1 }], logit: 0 }) })
    expect(out.map((r) => `${r.split}${r.perturbed ? '*' : ''}`)).toEqual(['one', 'two', 'all', 'one*', 'two*', 'all*'])
    const systems = out[0]!.rows.map((r) => r.system)
    for (const name of ['BM25', 'BM25 + RM3', 'BM25F', 'BM25F + RM3', 'hashing embedder', 'LSA', 'RRF BM25 + LSA', 'always the first report']) {
      expect(systems).toContain(name)
    }
    expect(systems).not.toContain('recency')
    const fitted = out[0]!.rows.find((r) => r.system.startsWith('RRF BM25 + w x LSA'))!
    expect(fitted.weight).toMatch(/^\d/)
    const bm25 = out[2]!.rows.find((r) => r.system === 'BM25')!
    expect(bm25.figures.recall[1]).toBe(1)
    expect(out[2]!.rows.find((r) => r.system === 'always the first report')!.figures.recall[1]).toBe(0.25)
    const text = formatSplitReports(out)
    expect(text).toContain('all, perturbed queries (4 queries)')
    expect(text).toMatch(/^BM25 +1\.000 /m)
  })

  it('fits no weight from a single split', () => {
    const out = compareRetrievers(reports, [splits[0]!])
    expect(out.map((r) => r.split)).toEqual(['one', 'one'])
    expect(out[0]!.rows.some((r) => r.weight !== undefined)).toBe(false)
  })
})
