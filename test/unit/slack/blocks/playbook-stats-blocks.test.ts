import { describe, expect, it } from 'vitest'
import type { PlaybookEditSuggestion } from '../../../../src/core/playbooks/playbook-edit-suggestion'
import { computePlaybookEffectiveness, type RunRecord } from '../../../../src/core/playbooks/playbook-effectiveness'
import { playbookSchema, type Playbook } from '../../../../src/core/playbooks/schema'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildPlaybookStatsDetail, buildPlaybookStatsOverview } from '../../../../src/slack/blocks/playbook-stats-blocks'
import { MESSAGE_MAX_BLOCKS, SECTION_MAX_CHARS } from '../../../../src/slack/blocks/packed-sections'

const HOSTILE = '<!channel> *bold* <https://evil.example|click> & co'

function playbook(id: string, title = id): Playbook {
  return playbookSchema.parse({
    id,
    title,
    version: 2,
    description: 'd',
    match: { keywords: ['xx'] },
    steps: [{ id: 'look', kind: 'query', title, source: 'logs', assert: { stat: 'count', op: '>', value: 0, description: 'any' } }],
  })
}

function oneRun(pb: Playbook): RunRecord {
  const at = new Date('2026-11-02T10:00:00Z')
  return {
    executionId: 'e1',
    playbookId: pb.id,
    playbookVersion: 2,
    definition: pb,
    status: 'completed',
    startedAt: at,
    incident: {
      id: 'i1',
      number: 1,
      service: HOSTILE,
      policyName: null,
      errorSignature: null,
      fixedByPlaybookId: pb.id,
      outcome: 'worked',
      resolutionRecorded: true,
      ttmSeconds: 120,
    },
    steps: [{ position: 0, stepId: 'look', kind: 'query', status: 'succeeded', outcome: { passed: true, value: 3 }, startedAt: at, finishedAt: at }],
    approvals: [],
  }
}

const texts = (blocks: ReturnType<typeof buildPlaybookStatsOverview>['blocks']) => JSON.stringify(blocks)

describe('playbook-stats blocks', () => {
  it('escapes titles and suggestion text, and stays within Slack limits', () => {
    const pb = playbook('hostile-one', HOSTILE)
    const [figures] = computePlaybookEffectiveness({
      playbooks: [{ id: pb.id, title: HOSTILE, version: 2, definition: pb }],
      runs: [oneRun(pb)],
      comparables: [],
    })
    const suggestion: PlaybookEditSuggestion = {
      playbookId: pb.id,
      baseVersion: 2,
      kind: 'drop-step',
      summary: `drop ${HOSTILE}`,
      evidence: [`ran ${HOSTILE}`],
      base: pb,
      edited: pb,
    }
    for (const message of [buildPlaybookStatsOverview([figures!]), buildPlaybookStatsDetail(figures!, [suggestion])]) {
      const json = texts(message.blocks)
      expect(json).not.toContain('<!channel>')
      expect(json).not.toContain('<https://evil')
      expect(json).toContain('&lt;!channel&gt;')
      expect(findBlockKitViolations(message.blocks)).toEqual([])
    }
    const detail = texts(buildPlaybookStatsDetail(figures!, [suggestion]).blocks)
    expect(detail).toContain('look (query): ran 1, failed 0, skipped 0, found 1, decisive 0, median 0 s')
    expect(detail).toContain('needs 4 more runs with a recorded outcome to be ranked (has 1)')
    expect(detail).toContain('ran &lt;!channel&gt;')
  })

  it('keeps a catalogue of 1000 playbooks within 50 blocks and 3000 characters a section, and says what it left out', () => {
    const pbs = Array.from({ length: 1000 }, (_, i) => playbook(`pb-${String(i).padStart(4, '0')}`, `${'long title '.repeat(10)}${i}`))
    const figures = computePlaybookEffectiveness({
      playbooks: pbs.map((p) => ({ id: p.id, title: p.title, version: 2, definition: p })),
      runs: [],
      comparables: [],
    })
    const message = buildPlaybookStatsOverview(figures)
    expect(message.blocks.length).toBeLessThanOrEqual(MESSAGE_MAX_BLOCKS)
    for (const b of message.blocks) if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(SECTION_MAX_CHARS)
    expect(texts(message.blocks)).toMatch(/more sections not shown/)
    expect(findBlockKitViolations(message.blocks)).toEqual([])
  })
})
