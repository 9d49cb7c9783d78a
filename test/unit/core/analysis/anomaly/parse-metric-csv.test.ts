import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { backwardSteps, parseMetricCsv, parseTimestamp } from '../../../../../src/core/analysis/anomaly/parse-metric-csv'
import { scoreMetricSeries } from '../../../../../src/core/analysis/anomaly/score-metric-series'

const fixture = (name: string) => readFileSync(new URL(`../../../../fixtures/anomaly/${name}`, import.meta.url), 'utf8')

describe('parseMetricCsv', () => {
  it('reads timestamp and value columns, ignoring others and blank lines, echoing the raw cells', () => {
    const rows = parseMetricCsv('value,host,timestamp\r\n1.5,a,2024-01-01T00:00:00Z\n\n2,b,2024-01-01 00:05:00\n')
    expect(rows).toEqual([
      { line: 2, rawTimestamp: '2024-01-01T00:00:00Z', timestamp: Date.UTC(2024, 0, 1), rawValue: '1.5', value: 1.5 },
      { line: 4, rawTimestamp: '2024-01-01 00:05:00', timestamp: Date.UTC(2024, 0, 1, 0, 5), rawValue: '2', value: 2 },
    ])
  })

  it('accepts gaps in time', () => {
    expect(parseMetricCsv('timestamp,value\n2024-01-01 00:00:00,1\n2024-03-01 00:00:00,2\n')).toHaveLength(2)
  })

  it.each([
    ['empty.csv', 'metric_csv_empty', /empty/],
    ['header-only.csv', 'metric_csv_empty', /no rows/],
    ['wrong-header.csv', 'metric_csv_header', /"timestamp" and "value"/],
    ['unsorted.csv', 'metric_csv_unsorted', /line 4: .*earlier than line 3/],
    ['non-numeric.csv', 'metric_csv_value', /line 3: "abc" is not a number/],
    ['missing-values.csv', 'metric_csv_value', /line 3: missing value/],
    ['bad-timestamp.csv', 'metric_csv_timestamp', /line 2: "yesterday" is not a timestamp/],
  ])('refuses %s with %s', (name, code, message) => {
    expect(() => parseMetricCsv(fixture(name))).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }))
  })

  it('keeps rows that step back in time, in file order, when asked to, and says which they are', () => {
    const rows = parseMetricCsv(`${fixture('unsorted.csv')}2024-01-01 00:07:00,4\n2024-01-01 00:15:00,5\n`, { backwards: 'keep' })
    expect(rows.map((r) => r.value)).toEqual([1, 2, 3, 4, 5])
    expect(backwardSteps(rows).map(({ row, latest }) => [row.line, latest.line])).toEqual([
      [4, 3],
      [5, 3],
    ])
    // Scored as they arrived: a row stamped back counts as arriving at the latest time seen.
    const stepped = scoreMetricSeries(rows, { minHistory: 1 })
    const asArrived = scoreMetricSeries(
      rows.map((r, i) => ({ ...r, timestamp: Math.max(...rows.slice(0, i + 1).map((x) => x.timestamp)) })),
      { minHistory: 1 },
    )
    expect(stepped).toEqual(asArrived)
  })

  it('refuses binary data without echoing it', () => {
    expect(() => parseMetricCsv('\u0000\u0001\u00ff garbage')).toThrow(
      expect.objectContaining({ code: 'metric_csv_header', message: 'the file holds binary data, not CSV text' }),
    )
    expect(() => parseMetricCsv('\u00ff\u00fe\u0007abc,def')).toThrow(
      expect.objectContaining({ message: expect.not.stringMatching(/[\u0000-\u001f\u007f-\uffff]/) }),
    )
  })

  it('keeps repeated timestamps as further points, or refuses them when asked', () => {
    expect(parseMetricCsv(fixture('duplicate-timestamps.csv')).map((r) => r.value)).toEqual([1, 2, 3, 4])
    expect(() => parseMetricCsv(fixture('duplicate-timestamps.csv'), { duplicates: 'error' })).toThrow(
      expect.objectContaining({ code: 'metric_csv_duplicate_timestamp' }),
    )
  })

  it('keeps rows without a value as NaN when asked', () => {
    expect(parseMetricCsv(fixture('missing-values.csv'), { missing: 'keep' }).map((r) => r.value)).toEqual([1, NaN, 3, NaN, 5])
  })
})

describe('parseTimestamp', () => {
  it('reads ISO forms (UTC unless zoned) and epoch seconds or milliseconds', () => {
    expect(parseTimestamp('2015-09-16 18:40:00.000000')).toBe(Date.UTC(2015, 8, 16, 18, 40))
    expect(parseTimestamp('2015-09-16T18:40:00+02:00')).toBe(Date.UTC(2015, 8, 16, 16, 40))
    expect(parseTimestamp('2015-09-16T18:40:00.250Z')).toBe(Date.UTC(2015, 8, 16, 18, 40, 0, 250))
    expect(parseTimestamp('1442428800')).toBe(1442428800_000)
    expect(parseTimestamp('1442428800000')).toBe(1442428800_000)
    expect(parseTimestamp('16/09/2015')).toBeNaN()
  })
})
