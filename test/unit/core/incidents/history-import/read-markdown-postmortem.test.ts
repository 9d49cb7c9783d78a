import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { columnMapping } from '../../../../../src/core/incidents/history-import/column-mapping'
import type { ReadRow } from '../../../../../src/core/incidents/history-import/imported-incident'
import { readMarkdownPostmortem } from '../../../../../src/core/incidents/history-import/read-markdown-postmortem'

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/history/postmortems')
const mapping = columnMapping('markdown', [])
const read = (text: string, file = 'pm.md') => readMarkdownPostmortem(text, file, mapping)

function incident(row: ReadRow) {
  if (!('incident' in row)) throw new Error(`expected an incident, got: ${row.problem.reason}`)
  return row.incident
}

describe('readMarkdownPostmortem', () => {
  it('reads the front matter, and the Summary, Root cause and Resolution sections (subsections included, code not a heading)', () => {
    const file = '2024/2024-02-14-checkout-db-pool.md'
    const i = incident(read(readFileSync(join(FIXTURES, file), 'utf8'), file))
    expect(i).toMatchObject({
      externalId: 'PM-2024-007',
      title: 'checkout-db connection pool exhausted',
      service: 'checkout-db',
      severity: 'critical',
      startedAt: new Date('2024-02-14T09:30:00Z'),
      resolvedAt: new Date('2024-02-14T10:42:00Z'),
      summary: 'Checkout failed for 72 minutes: every request waited on a database connection and timed out.',
      rootCause:
        'A deploy doubled the worker count while the pool size stayed at 20, so the pool was exhausted.\n\n### Contributing factors\nNo alert on pool saturation.',
      outcome: 'unknown',
      link: 'https://wiki.example.com/postmortems/pm-2024-007',
    })
    expect(i.resolution).toBe(
      'Raised the pool size to 60 and restarted the workers.\n\n```sh\n# Root cause\nkubectl rollout restart deploy/checkout-worker\n```',
    )
    expect(i.postmortem?.startsWith('# checkout-db connection pool exhausted\n\n## Summary')).toBe(true)
  })

  it('takes the title from the first heading, the external id from the file name, and synonyms of the section names', () => {
    const i = incident(read(readFileSync(join(FIXTURES, 'search-reindex.md'), 'utf8'), 'search-reindex.md'))
    expect(i).toMatchObject({
      externalId: 'search-reindex',
      title: 'Search results stale after the nightly reindex',
      startedAt: new Date('2024-01-20T22:00:00Z'),
      summary: 'The reindex job stopped half way; searches returned week-old results.',
      resolution: "Re-ran the reindex by hand; the job's timeout is still too short.",
      rootCause: null,
      outcome: 'partly',
    })
  })

  it('reports front matter that is not YAML with its line in the file, and a postmortem without a start time', () => {
    expect(read(readFileSync(join(FIXTURES, 'broken.md'), 'utf8'), 'broken.md')).toEqual({
      problem: { file: 'broken.md', line: expect.any(Number), reason: expect.stringMatching(/^front matter is not YAML: /) },
    })
    expect(read('---\n- a\n- b\n---\n# t\n')).toEqual({ problem: { file: 'pm.md', line: 2, reason: 'front matter is not a mapping of names to values' } })
    expect(read('# A title only\n\nNo front matter.')).toEqual({ problem: { file: 'pm.md', line: 1, reason: 'no start time column' } })
  })

  it('reads a YAML timestamp, numbers and lists as text, and a body without front matter', () => {
    const i = incident(read('---\nstarted: 2024-05-01 10:00:00Z\nexternal_id: 42\nservice: [a, b]\ntitle: x\n---\n'))
    expect([i.startedAt.toISOString(), i.externalId, i.service, i.postmortem]).toEqual(['2024-05-01T10:00:00.000Z', '42', 'a, b', null])
  })
})
