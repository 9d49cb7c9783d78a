import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import nab from '../../../../src/evals/nab'
import { readNabCorpus } from '../../../../src/evals/nab/read-nab-corpus'
import { captureWrites } from '../../../support/captured-writes'

describe('sre-agent eval nab --synthetic', () => {
  let dir: string
  let stdout: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nab-synthetic-cli-'))
    stdout = ''
    captureWrites(process.stdout, (text) => {
      stdout += text
    })
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await rm(dir, { recursive: true, force: true })
  })

  it('writes the labelled corpus and a score per row, prints in-sample and held-out figures, the same for the same seed', async () => {
    expect(await nab.run(['--synthetic', '7', '--out', join(dir, 'a')])).toBe(0)
    expect(stdout).toMatch(/Synthetic fleet \(seed 7\): 37 series, 149,184 points, 39 anomaly windows/)
    expect(stdout).toMatch(/standard\s+\d+\.\d\d\s+-?\d+\.\d\d\s+0\.\d{4}\s+\d+\/39/)
    expect(stdout).toMatch(/shipped detector\s+[\d. /]+syntheticCpu -?\d/)
    const corpus = await readNabCorpus(join(dir, 'a', 'corpus', 'data'), join(dir, 'a', 'corpus', 'labels', 'combined_windows.json'))
    expect(corpus).toHaveLength(37)
    const first = corpus[0]!
    const scored = (await readFile(join(dir, 'a', first.path), 'utf8')).trim().split('\n')
    expect(scored[0]).toBe('timestamp,value,anomaly_score')
    expect(scored).toHaveLength(first.values.length + 1)
    const firstRun = stdout.replace(/Detector: .*/, '').replaceAll(join(dir, 'a'), '<out>')
    stdout = ''
    await nab.run(['--synthetic', '7', '--out', join(dir, 'b')])
    expect(
      stdout
        .replace(/Detector: .*/, '')
        .replaceAll(join(dir, 'b'), '<out>')
        .replace(/ +\d+\.\d +(?=syntheticCpu)/g, ' '),
    ).toBe(firstRun.replace(/ +\d+\.\d +(?=syntheticCpu)/g, ' '))
  })

  it('refuses a seed that is not an integer, and NAB without --data', async () => {
    await expect(nab.run(['--synthetic', 'seven', '--out', dir])).rejects.toMatchObject({ code: 'usage' })
    await expect(nab.run(['--out', dir])).rejects.toMatchObject({ code: 'usage' })
  })
})
