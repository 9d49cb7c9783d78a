import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../../../src/commands/command'
import logs from '../../../src/commands/logs'
import { parseCsv } from '../../../src/core/csv-text'
import { captureWrites } from '../../support/captured-writes'

const FIXTURE = join(import.meta.dirname, '../../fixtures/logs/checkout-service.log')

describe('sre-agent logs templates', () => {
  let dir: string
  let stdout: string
  let stderr: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logs-command-'))
    stdout = ''
    stderr = ''
    captureWrites(process.stdout, (text) => {
      stdout += text
    })
    captureWrites(process.stderr, (text) => {
      stderr += text
    })
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await rm(dir, { recursive: true, force: true })
  })

  const run = (...args: string[]) => logs.run(['templates', ...args])

  it('writes LineId,EventId,EventTemplate for every input line, and the template list', async () => {
    const out = join(dir, 'out.csv')
    const templates = join(dir, 'templates.csv')
    expect(await run('--input', FIXTURE, '--out', out, '--templates', templates)).toBe(0)
    const rows = parseCsv(await readFile(out, 'utf8'))
    expect(rows[0]).toEqual(['LineId', 'EventId', 'EventTemplate'])
    expect(rows).toHaveLength(24)
    expect(rows.slice(1, 12)).toEqual([
      ['1', 'E1', 'Started checkout-api <*> on port <*>'],
      ['2', 'E2', 'connection pool ready: <*> connections to <*>:<*>'],
      ['3', 'E3', 'GET <*> <*> in <*>'],
      ['4', 'E3', 'GET <*> <*> in <*>'],
      ['5', 'E4', 'payment <*> authorized for order <*> amount=<*> currency=EUR'],
      ['6', 'E5', 'payment <*> authorized for order <*> amount=<*> currency=USD'],
      ['7', 'E6', 'cache miss for key cart:user:<*>'],
      ['8', 'E6', 'cache miss for key cart:user:<*>'],
      ['9', 'E7', ''],
      ['10', 'E3', 'GET <*> <*> in <*>'],
      ['11', 'E8', 'upstream fraud-check responded <*> after <*>, retrying (attempt <*> of <*>)'],
    ])
    // Four user names in one slot make it a parameter; the earlier lines follow the merge.
    expect(rows.slice(18, 22).map((r) => r[2])).toEqual(Array(4).fill('user session opened for <*>'))
    const list = parseCsv(await readFile(templates, 'utf8'))
    expect(list[0]).toEqual(['EventId', 'EventTemplate', 'Occurrences'])
    expect(list.find((r) => r[0] === 'E3')).toEqual(['E3', 'GET <*> <*> in <*>', '4'])
    expect(list.slice(1).reduce((sum, r) => sum + Number(r[2]), 0)).toBe(23)
    expect(stdout).toContain('23 lines, 13 templates')
  })

  it('writes only the header for an empty file', async () => {
    const input = join(dir, 'empty.log')
    await writeFile(input, '')
    const out = join(dir, 'out.csv')
    expect(await run('--input', input, '--out', out)).toBe(0)
    expect(await readFile(out, 'utf8')).toBe('LineId,EventId,EventTemplate\n')
    expect(stdout).toContain('0 lines, 0 templates')
  })

  it('reads CRLF lines, a last line without a newline, a multi-megabyte line and binary garbage', async () => {
    const input = join(dir, 'hostile.log')
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 73 + 11) % 256).filter((b) => b !== 10))
    await writeFile(input, Buffer.concat([Buffer.from(`disk 91% full\r\n${'A'.repeat(3_000_000)} end\n`), garbage, Buffer.from('\ndisk 95% full')]))
    const out = join(dir, 'out.csv')
    expect(await run('--input', input, '--out', out)).toBe(0)
    const rows = parseCsv(await readFile(out, 'utf8')).slice(1)
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4'])
    expect(rows[0]![2]).toBe('disk <*>% full')
    expect(rows[3]![2]).toBe('disk <*>% full')
    expect(rows[1]![2]!.length).toBeLessThanOrEqual(16_385)
    // the long line, and the garbage line for its more than 256 tokens
    expect(stdout).toContain('2 line(s) longer than 16384 characters or 256 tokens')
    expect(stdout).toContain('1 line(s) hold NUL bytes or bytes that are not UTF-8')
  })

  it('says which input it cannot read and exits 66', async () => {
    expect(await run('--input', join(dir, 'missing.log'), '--out', join(dir, 'out.csv'))).toBe(66)
    expect(stderr).toContain('missing.log: no such file')
  })

  it('refuses an unknown subcommand or a missing flag as a usage error', async () => {
    await expect(logs.run(['mine'])).rejects.toThrow(UsageError)
    await expect(run('--input', FIXTURE)).rejects.toThrow('--out is required')
  })
})
