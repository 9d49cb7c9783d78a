import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateNabLikeCorpus } from '../../../../src/integrations/telemetry/synthetic/nab-like-corpus'
import { compareDetectorVariants } from '../../../../src/evals/nab/compare-detector-variants'
import { readNabCorpus } from '../../../../src/evals/nab/read-nab-corpus'
import { NAB_PROFILES, syntheticNabCorpus, writeNabCorpus } from '../../../../src/evals/nab/synthetic-nab-corpus'

describe('the synthetic fleet as a NAB corpus', () => {
  const corpus = generateNabLikeCorpus(7)

  it('is deterministic in its seed and differs between seeds', () => {
    expect(generateNabLikeCorpus(7)).toEqual(corpus)
    expect(generateNabLikeCorpus(8).map((s) => s.values[500])).not.toEqual(corpus.map((s) => s.values[500]))
  })

  it('has the five metric families, labelled windows on rows after the probation, and the anomaly inside its window', () => {
    expect(new Set(corpus.map((s) => s.path.split('/')[0]))).toEqual(
      new Set(['syntheticCpu', 'syntheticRequests', 'syntheticDisk', 'syntheticMemory', 'syntheticLatency']),
    )
    const windows = corpus.reduce((sum, s) => sum + s.windows.length, 0)
    expect(windows).toBeGreaterThan(20)
    expect(corpus.some((s) => s.windows.length === 0)).toBe(true)
    for (const s of corpus) {
      const rows = new Set(s.timestamps)
      const probationEnd = s.timestamps[Math.floor(0.15 * s.timestamps.length)]!
      for (const [k, w] of s.windows.entries()) {
        expect(rows.has(w.start) && rows.has(w.end)).toBe(true)
        expect(w.start).toBeGreaterThan(probationEnd)
        expect(s.anomalies[k]!.at).toBeGreaterThan(w.start)
        expect(s.anomalies[k]!.at).toBeLessThan(w.end)
      }
    }
  })

  it('writes NAB files that the NAB reader reads back unchanged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nab-synthetic-'))
    try {
      const written = syntheticNabCorpus(7).slice(0, 6)
      await writeNabCorpus(written, dir)
      const read = await readNabCorpus(join(dir, 'data'), join(dir, 'labels', 'combined_windows.json'))
      expect(read.map((s) => [s.path, s.timestamps, s.values, s.windows])).toEqual(
        [...written].sort((a, b) => a.path.localeCompare(b.path)).map((s) => [s.path, s.timestamps, s.values, s.windows]),
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('compareDetectorVariants', () => {
  const corpus = syntheticNabCorpus(7)

  it('scores a detector that fires exactly at each window start 100 in sample and held out, and a silent one 0', () => {
    const perfect = corpus.map((s) => s.timestamps.map((t) => (s.windows.some((w) => w.start === t) ? 1 : 0)))
    const silent = corpus.map((s) => s.timestamps.map(() => 0))
    const [p, z] = compareDetectorVariants(
      corpus,
      [
        { name: 'perfect', anomalyScores: perfect },
        { name: 'silent', anomalyScores: silent },
      ],
      NAB_PROFILES,
    )
    for (const profile of Object.keys(NAB_PROFILES)) {
      expect(p!.inSample[profile]).toBeCloseTo(100, 6)
      expect(p!.heldOut[profile]).toBeCloseTo(100, 6)
      expect(z!.heldOut[profile]).toBeCloseTo(0, 6)
    }
    expect(Object.keys(p!.perCategory)).toHaveLength(5)
  })
})
