import { describe, expect, it } from 'vitest'
import { UsageError } from '../../../src/commands/command'
import { parseImportArgs } from '../../../src/commands/import'

describe('sre-agent import arguments', () => {
  it('takes one path, a format, repeated --map (both spellings) and --dry-run', () => {
    expect(parseImportArgs(['issues.csv', '--format', 'jira', '--map', 'service=Component/s', '--map=root_cause=Custom field (RCA)', '--dry-run'])).toEqual({
      path: 'issues.csv',
      format: 'jira',
      maps: ['service=Component/s', 'root_cause=Custom field (RCA)'],
      dryRun: true,
    })
    expect(parseImportArgs(['postmortems/'])).toEqual({ path: 'postmortems/', format: 'auto', maps: [], dryRun: false })
  })

  it('refuses what it cannot use, with the usage', () => {
    for (const args of [[], ['a.csv', 'b.csv'], ['a.csv', '--format', 'xml'], ['a.csv', '--map'], ['a.csv', '--since', 'x'], ['--help']]) {
      expect(() => parseImportArgs(args)).toThrow(UsageError)
    }
    expect(() => parseImportArgs(['a.csv', 'b.csv'])).toThrow(/one file or folder at a time/)
  })
})
