import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/sre-agent.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

const pair = z.array(z.number().nullable()).length(2)
const prediction = z
  .object({
    query: z.string(),
    ranked: z.array(z.string()).max(10),
    confidence: z.number().min(0).max(1),
    right: z.boolean(),
    logit: z.number().nullable(),
    features: z.array(z.number()).length(7).nullable(),
    scores: z.object({ fused: pair, keywordScore: pair, cosine: pair }).strict().nullable(),
  })
  .strict()

describe('sre-agent eval duplicates (GitBugs format, offline, embedded Postgres)', () => {
  it('ranks the earlier duplicate of each linked report, writes one prediction per query and prints the figures beside BM25', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sre-eval-')), 'predictions.jsonl')
    const { code, stdout, stderr } = await cli([
      'eval',
      'duplicates',
      '--bugs',
      'test/fixtures/retrieval/bugs.csv',
      '--links',
      'test/fixtures/retrieval/links.csv',
      '--predictions',
      out,
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toContain('17 reports, 6 queries with an earlier duplicate (2 linked reports have none and are skipped)')
    const figures = (name: string) =>
      stdout
        .split('\n')
        .find((l) => l.startsWith(name))!
        .slice(name.length)
        .trim()
        .split(/[\s/]+/)
        .map(Number)
    const [r1, r5, r10, mrr, ece, brier] = figures('hybrid (local-hashing-v2)')
    // 116's "duplicate" 114 is an unrelated report: five of six are findable at rank 1; 114 is somewhere in the top 10
    // (where, depends on which unrelated reports share a word with 116).
    expect([r1, r10]).toEqual([5 / 6, 1].map((x) => expect.closeTo(x, 3)))
    expect(r5).toBeGreaterThanOrEqual(5 / 6 - 1e-3)
    for (const x of [mrr!, ece!, brier!]) expect(x).toBeGreaterThanOrEqual(0)
    expect(figures('BM25 baseline')).toHaveLength(9)
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => prediction.parse(JSON.parse(l)))
    expect(lines.map((l) => l.query)).toEqual(['108', '109', '111', '113', '115', '116'])
    expect(Object.fromEntries(lines.map((l) => [l.query, l.ranked[0]]))).toMatchObject({ '108': '101', '109': '102', '111': '105', '113': '106', '115': '110' })
    expect(lines.filter((l) => l.right).map((l) => l.query)).toEqual(['108', '109', '111', '113', '115'])
    expect(stdout).toMatch(/^hybrid +[01]\.\d{3} +\d\.\d{3} +[01]\.\d{3} +[+-]\d+\.\d{2} \([01]\.\d{2}\)$/m)
    expect(stdout).toContain('Reliability of the hybrid (bin: forecasts, mean confidence -> accuracy): ')
    // Candidates are only reports created before the query.
    expect(lines.find((l) => l.query === '109')!.ranked).not.toContain('110')
  }, 120_000)

  it('reads a GitBugs file with ISO 8601 dates and without Affects Version/s, ranking the same as the Jira-dated one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sre-eval-'))
    const run = (bugs: string, name: string) =>
      cli(['eval', 'duplicates', '--bugs', bugs, '--links', 'test/fixtures/retrieval/links.csv', '--predictions', join(dir, name)])
    const [iso, jira] = await Promise.all([
      run('test/fixtures/retrieval/bugs-iso-dates.csv', 'iso.jsonl'),
      run('test/fixtures/retrieval/bugs.csv', 'jira.jsonl'),
    ])
    expect(iso.stderr).toBe('')
    expect(iso.code).toBe(0)
    expect(iso.stdout).toContain('17 reports, 6 queries with an earlier duplicate')
    const ranked = (name: string) =>
      readFileSync(join(dir, name), 'utf8')
        .trim()
        .split('\n')
        .map((l) => prediction.parse(JSON.parse(l)).ranked)
    expect(ranked('iso.jsonl')).toEqual(ranked('jira.jsonl'))
    expect(jira.code).toBe(0)
  }, 240_000)

  it('compares every retriever alone and fused on each links file, on both together and on perturbed queries, weights fitted on the other split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sre-eval-'))
    const [head, ...links] = readFileSync('test/fixtures/retrieval/links.csv', 'utf8').trim().split('\n')
    writeFileSync(join(dir, 'first.csv'), [head, ...links.slice(0, 3)].join('\n'))
    writeFileSync(join(dir, 'second.csv'), [head, ...links.slice(3)].join('\n'))
    const { code, stdout, stderr } = await cli([
      'eval',
      'duplicates',
      '--bugs',
      'test/fixtures/retrieval/bugs.csv',
      '--links',
      `${join(dir, 'first.csv')},${join(dir, 'second.csv')}`,
      '--predictions',
      join(dir, 'p.jsonl'),
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toContain('first: 3 queries, 0 without an earlier duplicate; second: 3 queries, 2 without an earlier duplicate')
    for (const block of [
      'first (3 queries)',
      'second (3 queries)',
      'all (6 queries)',
      'first, perturbed queries (3 queries)',
      'all, perturbed queries (6 queries)',
    ]) {
      expect(stdout).toContain(`\n${block}\n`)
    }
    const all = stdout.slice(stdout.indexOf('\nall (6 queries)\n'), stdout.indexOf('\nfirst, perturbed queries'))
    for (const system of ['BM25', 'BM25 + RM3', 'BM25F', 'hashing embedder', 'LSA', 'RRF BM25 + LSA', 'product hybrid search (local-hashing-v2, Postgres)']) {
      expect(all).toMatch(
        new RegExp(`^${system.replace(/[+()]/g, '\\$&')} +[01]\\.\\d{3} +[01]\\.\\d{3} +[01]\\.\\d{3} +[01]\\.\\d{3} +[+-]\\d+\\.\\d{3} +[01]\\.\\d{2} +`, 'm'),
      )
    }
    expect(all).toMatch(/^RRF BM25 \+ w x LSA \(w fitted on the other splits\) w=[\d.]+(, [\d.]+)? /m)
    // The product's search finds five of six at rank 1 on the whole file, as above.
    expect(all).toMatch(/^product hybrid search \(local-hashing-v2, Postgres\) +0\.833 /m)
  }, 120_000)

  it('says which rows it skipped, and why none could be used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sre-eval-'))
    const bugs = join(dir, 'bugs.csv')
    writeFileSync(bugs, 'Summary,Issue id,Resolution,Created,Resolved,Description\nx,101,Fixed,the day before,,a\ny,102,Fixed,the day after,,b\n')
    const { code, stderr } = await cli(['eval', 'duplicates', '--bugs', bugs, '--links', 'test/fixtures/retrieval/links.csv', '--predictions', join(dir, 'p')])
    expect(code).toBe(2)
    expect(stderr).toContain('2 rows skipped: 2 with an unreadable Created date (e.g. "the day before")')
    expect(stderr).toContain('no linked report has an earlier duplicate in the bugs file (2 rows skipped')
  })

  it('answers a missing flag with the usage, exit code 2', async () => {
    const { code, stderr } = await cli(['eval', 'duplicates', '--bugs', 'test/fixtures/retrieval/bugs.csv'])
    expect(code).toBe(2)
    expect(stderr).toContain('--links is required')
  })
})
