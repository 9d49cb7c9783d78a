import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseCsv } from '../../../src/core/csv-text'
import command, { latencyStatisticOf, parsePetshopGraph, parsePetshopMetrics, readAlertTarget } from '../../../src/evals/petshop'
import { expectedCalibrationError, inTopK } from '../../../src/core/analysis/rca/ranking-metrics'
import { FIXTURE_DIR } from '../../support/load-rca-fixture'
import { captureWrites } from '../../support/captured-writes'

const MINI = join(FIXTURE_DIR, 'petshop-mini')

describe('PetShop files', () => {
  it('reads graph.csv rows as callers of the columns', async () => {
    const edges = parsePetshopGraph(await readFile(join(MINI, 'graph.csv'), 'utf8'))
    expect(edges).toEqual([
      { from: 'PetSite', to: 'PetSearch' },
      { from: 'PetSite', to: 'payforadoption' },
      { from: 'PetSearch', to: 'petInfo_table' },
    ])
  })

  it('reads metrics.csv: the chosen latency statistic, availability as an error ratio, request sums', async () => {
    const series = parsePetshopMetrics(await readFile(join(MINI, 'test/issue_0/metrics.csv'), 'utf8'), 'Average')
    const pay = series.get('payforadoption')!
    expect([...pay.keys()].sort()).toEqual(['errors', 'latency', 'requests'])
    expect(pay.get('errors')![2]!.value).toBeGreaterThan(0.1)
    expect(pay.get('latency')![0]!.value).toBeCloseTo(0.2, 1)
    expect(pay.get('latency')![0]!.at).toBe(1_681_100_000_000)
  })

  it('keeps empty cells as NaN for the analysis to drop', async () => {
    const series = parsePetshopMetrics(await readFile(join(MINI, 'noissue/metrics.csv'), 'utf8'), 'Average')
    expect(series.get('PetSearch')!.get('latency')![3]!.value).toBeNaN()
  })

  it('refuses a malformed file with a stable code', () => {
    expect(() => parsePetshopGraph(',a,b\na,1.0\n')).toThrow(expect.objectContaining({ code: 'petshop_file_invalid' }))
    expect(() => parsePetshopMetrics('microservice,a\nmetric,latency\n', 'Average')).toThrow(expect.objectContaining({ code: 'petshop_file_invalid' }))
  })

  it('reads only the alert from target.json', async () => {
    const target = await readAlertTarget(join(MINI, 'test/issue_0'))
    expect(target).toEqual({ node: 'PetSite', metric: 'availability', agg: 'Average', timestamp: expect.any(Number) })
    expect(target).not.toHaveProperty('root_cause')
  })

  it('parses quoted CSV fields', () => {
    expect(parseCsv('a,"b,c","d""e"\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['1', '2', '3'],
    ])
  })

  it('maps PetShop statistics to mean or quantile latency', () => {
    expect(latencyStatisticOf('Average')).toEqual({ kind: 'mean' })
    expect(latencyStatisticOf('p95')).toEqual({ kind: 'quantile', q: 0.95 })
  })
})

describe('ranking metrics', () => {
  it('top-k and ECE', () => {
    expect(inTopK(['a', 'b', 'c'], 'c', 3)).toBe(true)
    expect(inTopK(['a', 'b', 'c'], 'c', 1)).toBe(false)
    expect(
      expectedCalibrationError([
        { confidence: 0.9, correct: true },
        { confidence: 0.9, correct: false },
      ]).ece,
    ).toBeCloseTo(0.4)
    expect(expectedCalibrationError([{ confidence: 1, correct: true }]).ece).toBe(0)
  })
})

describe('sre-agent eval petshop', () => {
  let dir: string
  let output: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'petshop-eval-'))
    output = ''
    captureWrites(process.stdout, (text) => {
      output += text
    })
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await rm(dir, { recursive: true, force: true })
  })

  it('writes one prediction line per issue and prints recall, ECE and the false-alarm check', async () => {
    const predictions = join(dir, 'out.jsonl')
    expect(await command.run(['--dataset', MINI, '--predictions', predictions])).toBe(0)
    const lines = (await readFile(predictions, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => l.query)).toEqual(['train/issue_0', 'test/issue_0', 'test/issue_1'])
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['confidence', 'query', 'ranked'])
      expect(l.confidence).toBeGreaterThanOrEqual(0)
      expect(l.confidence).toBeLessThanOrEqual(1)
    }
    expect(lines.map((l) => l.ranked[0])).toEqual(['PetSearch', 'payforadoption', 'petInfo_table'])
    expect(output).toMatch(/train\+test\s+latency\s+2\s+1\.00\s+1\.00\s+0\.57\/0\.57/)
    expect(output).toMatch(/ECE \(10 bins\)/)
    expect(output).toMatch(/false-alarm check on noissue\/metrics\.csv/)
  })

  it('predicts the same whatever root_cause says', async () => {
    const copy = join(dir, 'copy')
    await cp(MINI, copy, { recursive: true })
    for (const issue of ['train/issue_0', 'test/issue_0', 'test/issue_1']) {
      const path = join(copy, issue, 'target.json')
      const t = JSON.parse(await readFile(path, 'utf8'))
      await writeFile(path, JSON.stringify({ ...t, root_cause: { node: 'somewhere-else', metric: null } }))
    }
    await command.run(['--dataset', MINI, '--predictions', join(dir, 'a.jsonl')])
    await command.run(['--dataset', copy, '--predictions', join(dir, 'b.jsonl')])
    expect(await readFile(join(dir, 'b.jsonl'), 'utf8')).toBe(await readFile(join(dir, 'a.jsonl'), 'utf8'))
  })

  it('skips the false-alarm check, with a note, when noissue/ is empty (as in some traffic scenarios)', async () => {
    const copy = join(dir, 'no-normal')
    await cp(MINI, copy, { recursive: true })
    await rm(join(copy, 'noissue', 'metrics.csv'))
    expect(await command.run(['--dataset', copy, '--predictions', join(dir, 'c.jsonl')])).toBe(0)
    expect(output).toContain('false-alarm check skipped: the dataset has no noissue/metrics.csv (normal operation)')
    expect(output).toContain("history: none (each issue's own pre-alert points only; there is no noissue/metrics.csv)")
    expect(output).not.toMatch(/false-alarm check on/)
    expect((await readFile(join(dir, 'c.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(3)
  })

  it('says which file is missing instead of crashing', async () => {
    let errors = ''
    captureWrites(process.stderr, (text) => {
      errors += text
    })
    expect(await command.run(['--dataset', join(dir, 'nowhere'), '--predictions', join(dir, 'x.jsonl')])).toBe(1)
    expect(errors).toMatch(/nowhere\/graph\.csv does not exist \(petshop_file_missing\)/)
  })

  it('refuses an unknown --history', async () => {
    await expect(command.run(['--dataset', MINI, '--predictions', join(dir, 'x.jsonl'), '--history', 'maybe'])).rejects.toMatchObject({ code: 'usage' })
  })
})
