import { describe, expect, it } from 'vitest'
import { describeSkippedRows, parseGitBugsDate, readGitBugsReports } from '../../../../src/evals/gitbugs/read-gitbugs-reports'

const fail = (message: string) => new Error(message)

describe('parseGitBugsDate', () => {
  it('reads Jira exports as UTC', () => {
    expect(parseGitBugsDate('30/Sep/21 17:20')?.toISOString()).toBe('2021-09-30T17:20:00.000Z')
    expect(parseGitBugsDate(' 3/Jan/21 9:05 ')?.toISOString()).toBe('2021-01-03T09:05:00.000Z')
  })

  it('reads ISO 8601 with an offset, with Z, with fractions, and without a zone (UTC)', () => {
    expect(parseGitBugsDate('2020-01-02 17:14:21+00:00')?.toISOString()).toBe('2020-01-02T17:14:21.000Z')
    expect(parseGitBugsDate('2020-01-02T17:14:21Z')?.toISOString()).toBe('2020-01-02T17:14:21.000Z')
    expect(parseGitBugsDate('2020-01-02 17:14:21.5+05:30')?.toISOString()).toBe('2020-01-02T11:44:21.500Z')
    expect(parseGitBugsDate('2020-01-02 01:00:00-0200')?.toISOString()).toBe('2020-01-02T03:00:00.000Z')
    expect(parseGitBugsDate('2020-01-02 17:14')?.toISOString()).toBe('2020-01-02T17:14:00.000Z')
  })

  it('refuses what is neither, and impossible dates rather than rolling them over', () => {
    for (const text of ['', 'yesterday', '30/Sept/21 17:20', '2020-02-31 10:00:00+00:00', '2020-01-02 24:00:00', '02/01/2020 17:14']) {
      expect(parseGitBugsDate(text)).toBeNull()
    }
  })
})

describe('readGitBugsReports', () => {
  const head = 'Summary,Issue id,Resolution,Created,Resolved,Description'

  it('needs only the columns it reads (no Affects Version/s) and orders reports by creation', () => {
    const csv = [head, 'later,2,Fixed,2021-01-02 10:00:00+00:00,,b', 'earlier,1,Duplicate,01/Jan/21 10:00,02/Jan/21 11:00,a'].join('\n')
    const { reports, skipped } = readGitBugsReports(csv, 'bugs.csv', fail)
    expect(reports.map((r) => [r.id, r.created.toISOString(), r.resolved?.toISOString() ?? null])).toEqual([
      ['1', '2021-01-01T10:00:00.000Z', '2021-01-02T11:00:00.000Z'],
      ['2', '2021-01-02T10:00:00.000Z', null],
    ])
    expect(describeSkippedRows(skipped)).toBe('')
  })

  it('says which rows it left out and why', () => {
    const csv = [head, 'no id,,Fixed,01/Jan/21 10:00,,x', 'bad date,7,Fixed,sometime in May,,y', 'worse,8,Fixed,,,z', 'fine,9,Fixed,01/Jan/21 10:00,,w'].join(
      '\n',
    )
    const { reports, skipped } = readGitBugsReports(csv, 'bugs.csv', fail)
    expect(reports.map((r) => r.id)).toEqual(['9'])
    expect(describeSkippedRows(skipped)).toBe('3 rows skipped: 1 without an issue id, 2 with an unreadable Created date (e.g. "sometime in May")')
  })

  it('names a missing column', () => {
    expect(() => readGitBugsReports('Summary,Issue id\nx,1', 'p.csv', fail)).toThrow('p.csv: no "Resolution" column (is it a GitBugs bugs file?)')
  })
})
