import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkPlaybookFiles } from '../../../../src/storage/playbook-files'
import type { Playbook } from '../../../../src/core/playbooks/schema'

const PLAYBOOK_DIR = fileURLToPath(new URL('../../../../playbooks', import.meta.url))
const results = checkPlaybookFiles(PLAYBOOK_DIR)
const playbooks: Playbook[] = results.flatMap((r) => (r.ok ? [r.playbook] : []))

describe('shipped playbooks', () => {
  it('finds every YAML file in playbooks/', () => {
    expect(results.map((r) => r.file)).toEqual(
      readdirSync(PLAYBOOK_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort(),
    )
  })

  it.each(results.map((r) => [r.file, r] as const))('%s validates against playbookSchema', (_file, result) => {
    expect(result.ok ? [] : result.problems).toEqual([])
  })

  it('ships the eight expected playbooks, each file named after its id', () => {
    expect(playbooks.map((p) => p.id).sort()).toEqual([
      'certificate-expiry',
      'db-connection-exhaustion',
      'deploy-5xx-rollback',
      'disk-full',
      'latency-slow-dependency',
      'memory-leak-oom',
      'pubsub-backlog',
      'quota-exhaustion',
    ])
    for (const result of results) if (result.ok) expect(result.file).toBe(`${result.playbook.id}.yaml`)
  })

  it.each(playbooks.map((p) => [p.id, p] as const))('%s: actions call the automation webhook with service and incident', (_id, playbook) => {
    const actions = playbook.steps.filter((s) => s.kind === 'action')
    expect(actions.length).toBeGreaterThan(0)
    for (const step of actions) {
      if (step.action.type !== 'webhook') throw new Error(`${step.id}: shipped playbooks act through the automation webhook`)
      expect(step.action.url.startsWith('{{env.AUTOMATION_WEBHOOK_URL}}/')).toBe(true)
      expect(step.action.body).toHaveProperty('incident', '{{incident.number}}')
      expect(step.action.body).toHaveProperty('service')
    }
  })

  it('rates destructive actions high and has them approved by two people', () => {
    const dropSlots = playbooks.find((p) => p.id === 'disk-full')!.steps.find((s) => s.id === 'drop-inactive-replication-slots')
    const gate = playbooks.find((p) => p.id === 'disk-full')!.steps.find((s) => s.kind === 'approval' && s.for === 'drop-inactive-replication-slots')
    expect(dropSlots).toMatchObject({ kind: 'action', risk: 'high' })
    expect(gate).toMatchObject({ minApprovals: 2 })
  })

  it('db-connection-exhaustion checks saturation and errors before a gated pgbouncer restart', () => {
    const playbook = playbooks.find((p) => p.id === 'db-connection-exhaustion')!
    expect(playbook.steps[0]).toMatchObject({
      kind: 'query',
      source: 'metrics',
      metric: 'db_connections_used_ratio',
      assert: { stat: 'max', op: '>=', value: 0.9 },
    })
    expect(playbook.steps.find((s) => s.kind === 'action')).toMatchObject({
      risk: 'medium',
      preview: 'Restart pgbouncer / terminate idle-in-transaction sessions on {{service}}',
    })
  })

  it('latency-slow-dependency opens the fraud-check circuit breaker behind an approval', () => {
    const playbook = playbooks.find((p) => p.id === 'latency-slow-dependency')!
    expect(playbook.steps.find((s) => s.kind === 'action')).toMatchObject({
      preview: 'Enable circuit breaker on calls from {{service}} to fraud-check (fallback scoring)',
    })
    expect(playbook.steps.map((s) => s.kind === 'query' && s.source)).toEqual(expect.arrayContaining(['metrics', 'logs', 'traces']))
  })
})
