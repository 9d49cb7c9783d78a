import { describe, expect, it } from 'vitest'
import { UsageError } from '../../../src/commands/command'
import warnings from '../../../src/commands/warnings'

describe('sre-agent warnings arguments', () => {
  it('refuses what it cannot use before opening the database, saying why', async () => {
    await expect(warnings.run([])).rejects.toThrow(/sre-agent warnings stats \[--since/)
    await expect(warnings.run(['score'])).rejects.toThrow(/unknown subcommand "score"/)
    await expect(warnings.run(['stats', '--since', 'last week'])).rejects.toThrow(/--since "last week" is not a time/)
    await expect(warnings.run(['stats', '--since', '2026-12-06', '--until', '2026-12-01'])).rejects.toThrow(/--since must be before --until/)
    await expect(warnings.run(['stats', '--format', 'csv'])).rejects.toThrow(UsageError)
  })
})
