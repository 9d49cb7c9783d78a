import { describe, expect, it } from 'vitest'
import { playbookSchema } from '../../../../src/core/playbooks/schema'

/** A minimal valid playbook: one query, an approval, the action it gates. */
function buildPlaybook(overrides: { steps?: unknown[] } = {}) {
  return {
    id: 'restart-thing',
    title: 'Restart the thing',
    version: 1,
    description: 'Test playbook.',
    match: { keywords: ['thing'] },
    steps: overrides.steps ?? [buildQuery(), buildApproval(), buildAction()],
  }
}

function buildQuery(overrides: Record<string, unknown> = {}) {
  return {
    id: 'check-errors',
    kind: 'query',
    title: 'Errors',
    source: 'metrics',
    metric: 'error_rate',
    assert: { stat: 'max', op: '>=', value: 0.05, description: 'error ratio above 5%' },
    ...overrides,
  }
}

function buildApproval(overrides: Record<string, unknown> = {}) {
  return { id: 'approve-restart', kind: 'approval', title: 'Approve', for: 'restart', ...overrides }
}

function buildAction(overrides: Record<string, unknown> = {}) {
  return {
    id: 'restart',
    kind: 'action',
    title: 'Restart',
    risk: 'medium',
    preview: 'Restart {{service}}',
    action: { type: 'webhook', url: '{{env.AUTOMATION_WEBHOOK_URL}}/restart', body: { service: '{{service}}' } },
    ...overrides,
  }
}

function problems(input: unknown): string[] {
  const parsed = playbookSchema.safeParse(input)
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('playbookSchema', () => {
  it('accepts the minimal playbook the other cases break', () => {
    expect(problems(buildPlaybook())).toEqual([])
  })

  it('rejects an action without an approval gate before it', () => {
    expect(problems(buildPlaybook({ steps: [buildQuery(), buildAction()] }))).toEqual(['steps.1: action "restart" has no approval step before it'])
  })

  it('rejects an approval placed after its action', () => {
    expect(problems(buildPlaybook({ steps: [buildAction(), buildApproval()] }))).toEqual(
      expect.arrayContaining(['steps.1.for: approval "approve-restart" must come before the action "restart"']),
    )
  })

  it('rejects an approval whose `for` names a step that is not an action', () => {
    const steps = [buildQuery(), buildApproval({ for: 'check-errors' }), buildApproval({ id: 'approve-restart-2' }), buildAction()]
    expect(problems(buildPlaybook({ steps }))).toEqual(['steps.1.for: approval "approve-restart" must name a later action step in "for"'])
  })

  it('rejects an approval whose `for` names no step at all', () => {
    const steps = [buildApproval({ for: 'missing-step' }), buildApproval({ id: 'approve-restart-2' }), buildAction()]
    expect(problems(buildPlaybook({ steps }))).toEqual(['steps.0.for: approval "approve-restart" must name a later action step in "for"'])
  })

  it('rejects duplicate step ids', () => {
    const steps = [buildQuery(), buildQuery({ title: 'Errors again' }), buildApproval(), buildAction()]
    expect(problems(buildPlaybook({ steps }))).toEqual(['steps.1.id: duplicate step id "check-errors"'])
  })

  it('rejects a metrics query without a metric', () => {
    const query: Record<string, unknown> = buildQuery()
    delete query.metric
    expect(problems(buildPlaybook({ steps: [query, buildApproval(), buildAction()] }))).toEqual(['steps.0.metric: a metrics query needs a "metric"'])
  })

  it('accepts a logs query without a metric', () => {
    const query: Record<string, unknown> = buildQuery({
      source: 'logs',
      contains: 'connection',
      assert: { stat: 'count', op: '>=', value: 5, description: 'errors' },
    })
    delete query.metric
    expect(problems(buildPlaybook({ steps: [query, buildApproval(), buildAction()] }))).toEqual([])
  })
})
