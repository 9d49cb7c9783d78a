import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readNabCorpus } from '../../../../src/evals/nab/read-nab-corpus'

const mini = (path: string) => fileURLToPath(new URL(`../../../fixtures/anomaly/nab-mini/${path}`, import.meta.url))

describe('readNabCorpus', () => {
  it('reads the labelled series with their windows, skipping files the labels do not name', async () => {
    const corpus = await readNabCorpus(mini('data'), mini('labels.json'))
    expect(corpus.map((s) => s.path)).toEqual(['tiny/steps.csv'])
    expect(corpus[0]!.values).toHaveLength(30)
    expect(corpus[0]!.windows).toEqual([{ start: Date.UTC(2024, 0, 1, 0, 28), end: Date.UTC(2024, 0, 1, 0, 36) }])
  })

  it('refuses a window whose limits are not rows of the series', async () => {
    await expect(readNabCorpus(mini('data'), mini('labels-off-grid.json'))).rejects.toMatchObject({ code: 'nab_label_mismatch' })
  })
})
