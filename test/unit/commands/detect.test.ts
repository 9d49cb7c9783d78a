import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dailySine, timestampOf } from '../../support/series-builders'

const dir = mkdtempSync(join(tmpdir(), 'detect-anomalies-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const fixture = (name: string) => new URL(`../../fixtures/anomaly/${name}`, import.meta.url).pathname

function detect(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/sre-agent.js', 'detect', 'anomalies', ...args], { encoding: 'utf8', timeout: 60_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('sre-agent detect anomalies', () => {
  it('writes timestamp,value,anomaly_score for every row and names the strongest points', () => {
    const values = dailySine(3, 2)
    values[700] = 400
    const input = join(dir, 'series.csv')
    writeFileSync(input, `timestamp,value\n${values.map((v, i) => `${timestampOf(i).toISOString()},${v.toFixed(3)}`).join('\n')}\n`)
    const out = join(dir, 'scores.csv')
    const run = detect('--input', input, '--out', out)
    expect(run.code).toBe(0)
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('timestamp,value,anomaly_score')
    expect(lines).toHaveLength(values.length + 1)
    expect(lines[701]).toMatch(new RegExp(`^${timestampOf(700).toISOString()},400.000,1$`))
    expect(run.stdout).toContain(`${values.length} points scored`)
    expect(run.stdout).toContain(`${timestampOf(700).toISOString()}  value 400.000  score 1.000`)
  })

  it.each([
    ['empty.csv', /the file is empty \[metric_csv_empty\]/],
    ['unsorted.csv', /line 4: timestamp 2024-01-01 00:05:00 is earlier than line 3 .*\[metric_csv_unsorted\]/],
    ['missing-values.csv', /line 3: missing value \("NaN"\) \[metric_csv_value\]/],
  ])('refuses %s with a message naming the problem, writing nothing', (name, message) => {
    const out = join(dir, `${name}.out.csv`)
    const run = detect('--input', fixture(name), '--out', out)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(message)
    expect(() => readFileSync(out)).toThrow()
  })

  it('leaves rows without a value unscored with --missing skip, and scores repeated timestamps as points', () => {
    const out = join(dir, 'missing.out.csv')
    expect(detect('--input', fixture('missing-values.csv'), '--out', out, '--missing', 'skip').code).toBe(0)
    expect(readFileSync(out, 'utf8').trim().split('\n').slice(1)).toEqual([
      '2024-01-01 00:00:00,1,0',
      '2024-01-01 00:05:00,NaN,',
      '2024-01-01 00:10:00,3,0',
      '2024-01-01 00:15:00,,',
      '2024-01-01 00:20:00,5,0',
    ])
    const dupes = join(dir, 'dupes.out.csv')
    const run = detect('--input', fixture('duplicate-timestamps.csv'), '--out', dupes)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('1 row(s) repeat the previous timestamp and were scored as further points')
    expect(readFileSync(dupes, 'utf8').trim().split('\n')).toHaveLength(5)
  })

  it('answers a usage error with exit code 2', () => {
    const run = detect('--input', fixture('empty.csv'))
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--out is required')
  })
})
