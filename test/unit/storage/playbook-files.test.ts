import { describe, expect, it } from 'vitest'
import { checkPlaybookFiles, formatPlaybookProblem, loadPlaybookFiles } from '../../../src/storage/playbook-files'

describe('playbook files with errors', () => {
  const results = checkPlaybookFiles('test/fixtures/playbooks-broken')
  const lines = results.flatMap((r) => (r.ok ? [] : r.problems.map((p) => formatPlaybookProblem(r.file, p))))

  it('names the file, the line and the field of a schema error', () => {
    expect(lines).toContain('bad-fields.yaml:12: steps.0.window: durations look like "90s", "15m" or "2h"')
    expect(lines).toContain('bad-fields.yaml:8: steps.0.metric: a metrics query needs a "metric"')
  })

  it('names the line of a YAML syntax error', () => {
    expect(lines.find((l) => l.startsWith('bad-yaml.yaml:'))).toMatch(/^bad-yaml\.yaml:4: \(yaml\): Nested mappings/)
  })

  it('stops start-up with every problem listed', () => {
    expect(() => loadPlaybookFiles('test/fixtures/playbooks-broken')).toThrow(/bad-fields\.yaml:12: steps\.0\.window/)
  })
})
