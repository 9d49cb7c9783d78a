import { describe, expect, it } from 'vitest'
import { DEFAULT_PERTURBATION, perturbReport } from '../../../src/evals/perturb-reports'

const report = (id: string, summary: string) => ({ id, summary, description: `stack trace of ${id}`, created: new Date(0) })

describe('perturbReport', () => {
  it('rewords the summary with synonyms, and does the same to the same report every time', () => {
    const always = { ...DEFAULT_PERTURBATION, synonymRate: 1, swapRate: 0, dropDescriptionRate: 0 }
    const out = perturbReport(report('HADOOP-1', 'NameNode fails to start when the config directory is missing'), always)
    expect(out.summary).toBe('name node breaks to launch if the settings folder is absent')
    expect(out.description).toBe('stack trace of HADOOP-1')
    expect(out.id).toBe('HADOOP-1')
    expect(perturbReport(report('HADOOP-1', 'NPE when the DataNode starts'), always).summary).toBe('null pointer exception if the data node launches')
  })

  it('is seeded per report: the same id and seed give the same copy, another seed another', () => {
    const r = report('HADOOP-7', 'Job fails with a timeout error when the directory is large and the config is missing')
    expect(perturbReport(r)).toEqual(perturbReport(r))
    const others = [1, 2, 3, 4, 5].map((seed) => perturbReport(r, { ...DEFAULT_PERTURBATION, seed }).summary)
    expect(new Set(others).size).toBeGreaterThan(1)
  })

  it('drops about the share of descriptions it is told to, and swaps neighbouring words', () => {
    const many = Array.from({ length: 400 }, (_, i) => perturbReport(report(`H-${i}`, 'alpha beta gamma delta epsilon zeta eta theta')))
    const dropped = many.filter((r) => r.description === '').length
    expect(dropped).toBeGreaterThan(160)
    expect(dropped).toBeLessThan(240)
    const swapped = many.filter((r) => r.summary !== 'alpha beta gamma delta epsilon zeta eta theta').length
    expect(swapped).toBeGreaterThan(100)
    for (const r of many) expect(r.summary.split(' ').sort()).toEqual('alpha beta gamma delta epsilon zeta eta theta'.split(' ').sort())
  })
})
