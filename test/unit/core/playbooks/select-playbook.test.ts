import { describe, expect, it } from 'vitest'
import { rankPlaybooks, type SelectionContext } from '../../../../src/core/playbooks/select-playbook'
import { playbookSchema, type Playbook } from '../../../../src/core/playbooks/schema'

function playbook(id: string, match: Partial<Playbook['match']>): Playbook {
  return playbookSchema.parse({
    id,
    title: id,
    version: 1,
    description: id,
    match: { keywords: ['xx'], ...match },
    steps: [{ id: 'look', kind: 'query', title: 'look', source: 'logs', assert: { stat: 'count', op: '>', value: 0, description: 'any' } }],
  })
}

const catalog = [
  playbook('db-connections', { services: ['checkout-db'], keywords: ['connection', 'pool'] }),
  playbook('slow-dependency', { keywords: ['latency', 'slow', 'timeout'] }),
  playbook('disk-full', { keywords: ['disk'] }),
]
const base: SelectionContext = { text: '', service: null, resourceType: null, policyName: null, hypothesis: null, history: [] }

describe('rankPlaybooks', () => {
  it('ranks by match rules: service and keywords', () => {
    const ranked = rankPlaybooks(catalog, { ...base, text: 'checkout-db connection timeouts', service: 'checkout-db' })
    expect(ranked[0]?.playbook.id).toBe('db-connections')
    expect(ranked[0]?.reasons.join(' ')).toMatch(/checkout-db/)
  })

  it('lets a telemetry hypothesis outweigh a keyword', () => {
    const ranked = rankPlaybooks(catalog, { ...base, text: 'checkout timeouts', hypothesis: { playbookId: 'db-connections', support: 1 } })
    expect(ranked[0]?.playbook.id).toBe('db-connections')
  })

  it('prefers what worked on similar incidents over what failed', () => {
    const ranked = rankPlaybooks(catalog, {
      ...base,
      text: 'latency timeout on pool',
      history: [
        { playbookId: 'db-connections', similarity: 0.9, outcome: 'failed' },
        { playbookId: 'slow-dependency', similarity: 0.8, outcome: 'worked' },
      ],
    })
    expect(ranked[0]?.playbook.id).toBe('slow-dependency')
  })

  it('offers nothing when nothing applies', () => {
    expect(rankPlaybooks(catalog, { ...base, text: 'certificate expires soon' })).toEqual([])
  })
})

describe('playbookSchema', () => {
  it('rejects an action that has no approval gate before it', () => {
    const result = playbookSchema.safeParse({
      id: 'unsafe',
      title: 'unsafe',
      version: 1,
      description: 'x',
      match: { keywords: ['xx'] },
      steps: [{ id: 'act', kind: 'action', title: 'act', risk: 'low', preview: 'p', action: { type: 'webhook', url: 'http://x' } }],
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toMatch(/no approval step before it/)
  })
})
