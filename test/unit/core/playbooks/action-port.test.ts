import { describe, expect, it } from 'vitest'
import { renderActionRequest } from '../../../../src/core/playbooks/action-port'

describe('renderActionRequest', () => {
  const scale = { namespace: '{{scale.namespace}}', deployment: '{{scale.deployment}}', maxReplicas: 100 }
  const vars = { scale: { namespace: 'discovery', deployment: 'search', to: 9 } }

  it('fills a replica count from the run inputs, for a scale and for an autoscaler max', () => {
    expect(renderActionRequest({ type: 'kubernetes', operation: 'scale', ...scale, replicas: '{{scale.to}}' }, vars)).toEqual({
      type: 'kubernetes',
      operation: 'scale',
      namespace: 'discovery',
      deployment: 'search',
      replicas: 9,
      scaleBy: undefined,
      maxReplicas: 100,
    })
    expect(renderActionRequest({ type: 'kubernetes', operation: 'autoscaler-max', ...scale, replicas: '{{scale.to}}' }, vars)).toEqual({
      type: 'kubernetes',
      operation: 'autoscaler-max',
      namespace: 'discovery',
      deployment: 'search',
      maxReplicas: 9,
    })
  })

  it('refuses a placeholder that is not a whole replica count', () => {
    const action = { type: 'kubernetes' as const, operation: 'scale' as const, ...scale, replicas: '{{scale.to}}' }
    expect(() => renderActionRequest(action, { scale: { to: '9; rm -rf' } })).toThrow(/not a replica count/)
    expect(() => renderActionRequest(action, {})).toThrow(/"\{\{scale.to\}\}" gave "\{\{scale.to\}\}"/)
    expect(() => renderActionRequest(action, { scale: { to: 5000 } })).toThrow(/0–1000/)
  })
})
