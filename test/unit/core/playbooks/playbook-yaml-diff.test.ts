import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { diffLines, unifiedDiff } from '../../../../src/core/playbooks/line-diff'
import { playbookToYaml, playbookYamlDiff } from '../../../../src/core/playbooks/playbook-yaml'
import { playbookSchema } from '../../../../src/core/playbooks/schema'

const latency = playbookSchema.parse(parse(readFileSync('test/fixtures/playbooks/latency-test.yaml', 'utf8')))

describe('diffLines', () => {
  it('keeps the longest common subsequence and marks the rest', () => {
    expect(diffLines(['a', 'b', 'c', 'd'], ['a', 'c', 'x', 'd'])).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'd' },
    ])
  })

  it('handles empty sides', () => {
    expect(diffLines([], ['a'])).toEqual([{ op: '+', text: 'a' }])
    expect(diffLines(['a'], [])).toEqual([{ op: '-', text: 'a' }])
  })
})

describe('unifiedDiff', () => {
  const labels = { from: 'a.yaml', to: 'b.yaml' }

  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\ny\n', 'x\ny\n', labels)).toBe('')
  })

  it('numbers hunks like diff -u, with context lines, and splits distant changes', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n')
    const after = ['1', '2', 'two-and-a-half', '3', '4', '5', '6', '7', '8', '9', '10', '12'].join('\n')
    expect(unifiedDiff(before, after, labels, 1)).toBe(
      ['--- a.yaml', '+++ b.yaml', '@@ -2,2 +2,3 @@', ' 2', '+two-and-a-half', ' 3', '@@ -10,3 +11,2 @@', ' 10', '-11', ' 12', ''].join('\n'),
    )
  })

  it('merges changes whose context touches into one hunk', () => {
    expect(unifiedDiff('a\nb\nc\nd\n', 'A\nb\nc\nD\n', labels, 1)).toBe(
      ['--- a.yaml', '+++ b.yaml', '@@ -1,4 +1,4 @@', '-a', '+A', ' b', ' c', '-d', '+D', ''].join('\n'),
    )
  })

  it('numbers an insertion into an empty file from line 0', () => {
    expect(unifiedDiff('', 'a\n', labels)).toBe(['--- a.yaml', '+++ b.yaml', '@@ -0,0 +1,1 @@', '+a', ''].join('\n'))
  })
})

describe('playbook YAML', () => {
  it('round-trips through the schema', () => {
    expect(playbookSchema.parse(parse(playbookToYaml(latency)))).toEqual(latency)
  })

  it('shows a dropped step as removed lines only', () => {
    const edited = { ...latency, steps: latency.steps.filter((s) => s.id !== latency.steps[0]!.id) }
    const diff = playbookYamlDiff(latency, edited)
    const body = diff.split('\n').slice(2)
    expect(diff.startsWith(`--- ${latency.id}.yaml (v${latency.version})\n+++ ${latency.id}.yaml (proposed)\n@@ `)).toBe(true)
    expect(body.some((l) => l.startsWith('+'))).toBe(false)
    expect(body).toContain(`-  - id: ${latency.steps[0]!.id}`)
  })
})
