import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import logparse from '../../../src/evals/logparse'
import { formatCsvRow, parseCsvRecords } from '../../../src/core/csv-text'
import { captureWrites } from '../../support/captured-writes'

const DATASET = join(import.meta.dirname, '../../fixtures/logs/loghub-mini')
const STRUCTURED = 'Checkout/Checkout_2k.log_structured_corrected.csv'

describe('sre-agent eval logparse', () => {
  let dir: string
  let stdout: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logparse-'))
    stdout = ''
    captureWrites(process.stdout, (text) => {
      stdout += text
    })
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await rm(dir, { recursive: true, force: true })
  })

  it('prints GA, PA, FGA and FTA per system and on average', async () => {
    expect(await logparse.run(['--dataset', DATASET, '--predictions', join(dir, 'pred')])).toBe(0)
    // 10 lines, 6 true templates; two user names stay two templates (below the word-variant limit)
    expect(stdout).toMatch(/Checkout\s+0\.800\s+0\.800\s+0\.769\s+0\.769\s+7\/6\s+not published/)
    expect(stdout).toMatch(/average\s+0\.800\s+0\.800\s+0\.769\s+0\.769/)
    expect(stdout).toContain('(defaults)')
    const predictions = parseCsvRecords(await readFile(join(dir, 'pred', 'Checkout_2k.log_structured.csv'), 'utf8')).records
    expect(predictions.map((r) => r.EventTemplate)).toContain('upstream fraud-check responded <*> after <*>, retrying (attempt <*> of <*>)')
  })

  it('predicts from the Content column alone: other ground truth gives the same predictions', async () => {
    await logparse.run(['--dataset', DATASET, '--predictions', join(dir, 'original')])
    const copy = join(dir, 'scrambled')
    await cp(DATASET, copy, { recursive: true })
    const { header, records } = parseCsvRecords(await readFile(join(DATASET, STRUCTURED), 'utf8'))
    const scrambled = records.map((r, i) => header.map((h) => (h === 'EventTemplate' ? `wrong ${i % 2}` : h === 'EventId' ? 'E0' : r[h]!)))
    await writeFile(join(copy, STRUCTURED), `${[header.join(','), ...scrambled.map(formatCsvRow)].join('\n')}\n`)
    await logparse.run(['--dataset', copy, '--predictions', join(dir, 'again')])
    const original = await readFile(join(dir, 'original', 'Checkout_2k.log_structured.csv'), 'utf8')
    expect(await readFile(join(dir, 'again', 'Checkout_2k.log_structured.csv'), 'utf8')).toBe(original)
    expect(stdout).toMatch(/Checkout\s+0\.000\s+0\.000/)
  })

  it('fails with a coded error when the folder holds no Loghub-2k system', async () => {
    await expect(logparse.run(['--dataset', dir])).rejects.toMatchObject({ code: 'logparse_dataset_empty' })
    await expect(logparse.run(['--dataset', join(dir, 'nope')])).rejects.toMatchObject({ code: 'logparse_dataset_missing' })
  })

  it('refuses out-of-range sensitivity flags', async () => {
    await expect(logparse.run(['--dataset', DATASET, '--max-word-variants', '0'])).rejects.toThrow('--max-word-variants')
    await expect(logparse.run(['--dataset', DATASET, '--min-similarity', '2'])).rejects.toThrow('--min-similarity')
  })
})
