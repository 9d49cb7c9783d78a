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

  it('scores rows that step back in time in file order, as NAB does, warning once and keeping the rows one for one', () => {
    // As NAB's machine_temperature_system_failure.csv: twelve rows repeated an hour back, in the middle of the file.
    const values = dailySine(3, 2)
    const stamps = values.map((_, i) => timestampOf(i).toISOString())
    const rows = values.map((v, i) => `${stamps[i]},${v.toFixed(3)}`)
    const repeated = values.slice(400, 412).map((v, i) => `${stamps[388 + i]},${v.toFixed(3)}`)
    const input = join(dir, 'steps-back.csv')
    writeFileSync(input, `timestamp,value\n${[...rows.slice(0, 412), ...repeated, ...rows.slice(412)].join('\n')}\n`)
    const out = join(dir, 'steps-back.out.csv')
    const run = detect('--input', input, '--out', out)
    expect(run.code).toBe(0)
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`line 414 \\(${stamps[388]}\\) is earlier than line 413 \\(${stamps[411]}\\); 12 row\\(s\\) stamped earlier than a row before them`),
      ),
    ])
    const written = readFileSync(out, 'utf8').trim().split('\n').slice(1)
    expect(written).toHaveLength(values.length + 12)
    expect(written.map((l) => l.split(',').slice(0, 2).join(','))).toEqual([...rows.slice(0, 412), ...repeated, ...rows.slice(412)])
    expect(run.stdout).toContain(`${values.length + 12} points scored`)
  })

  it('answers a usage error with exit code 2', () => {
    const run = detect('--input', fixture('empty.csv'))
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--out is required')
  })
})
