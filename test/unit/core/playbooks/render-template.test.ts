import { describe, expect, it } from 'vitest'
import { parseDuration, renderDeep, renderTemplate, renderUrl } from '../../../../src/core/playbooks/render-template'

describe('renderTemplate', () => {
  it('fills nested placeholders', () => {
    expect(renderTemplate('Restart {{service}} for INC-{{incident.number}}', { service: 'checkout-db', incident: { number: 7 } })).toBe(
      'Restart checkout-db for INC-7',
    )
  })

  it('leaves unknown placeholders visible instead of inventing values', () => {
    expect(renderTemplate('{{nope}} and {{service.__proto__}}', { service: 'x' })).toBe('{{nope}} and {{service.__proto__}}')
  })

  it('never evaluates what it inserts', () => {
    expect(renderTemplate('{{title}}', { title: '{{env.SECRET}} $(rm -rf /)' })).toBe('{{env.SECRET}} $(rm -rf /)')
  })

  it('renders every string in a JSON body', () => {
    expect(renderDeep({ a: '{{x}}', b: ['{{x}}', 1], c: { d: '{{x}}' } }, { x: 'y' })).toEqual({ a: 'y', b: ['y', 1], c: { d: 'y' } })
  })
})

describe('parseDuration', () => {
  it('reads seconds, minutes and hours', () => {
    expect([parseDuration('90s'), parseDuration('15m'), parseDuration('2h')]).toEqual([90_000, 900_000, 7_200_000])
  })

  it('rejects anything else', () => {
    expect(() => parseDuration('15 minutes')).toThrow(/not a duration/)
  })
})

describe('renderUrl', () => {
  it('keeps the configured base URL and percent-encodes inserted values', () => {
    const url = renderUrl('{{env.AUTOMATION_WEBHOOK_URL}}/services/{{service}}/restart', {
      service: '../../admin?x=1',
      env: { AUTOMATION_WEBHOOK_URL: 'https://automation.internal/api' },
    })
    expect(url).toBe('https://automation.internal/api/services/..%2F..%2Fadmin%3Fx%3D1/restart')
  })
})
