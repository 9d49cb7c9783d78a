import { describe, expect, it } from 'vitest'
import {
  type IncidentChannelPolicy,
  incidentChannelName,
  isAtLeastSeverity,
  MAX_CHANNEL_NAME_LENGTH,
  planIncidentChannel,
} from '../../../../src/core/incidents/incident-channel'
import hostile from '../../../fixtures/slack/hostile-strings.json'

/** What Slack accepts as a channel name. */
const SLACK_CHANNEL_NAME = /^[a-z0-9_-]{1,80}$/

const policy = (overrides: Partial<IncidentChannelPolicy> = {}): IncidentChannelPolicy => ({
  mode: 'channel',
  minSeverity: 'high',
  prefix: 'inc',
  responders: ['U0ALICE', 'S0ONCALL'],
  isPrivate: false,
  ...overrides,
})

const incident = { id: '3f2a9c1e-0000-4000-8000-000000000001', number: 61, title: 'Payment API latency', severity: 'critical' }

describe('incidentChannelName', () => {
  it('is the prefix, the number and the title words, lowercase and hyphenated', () => {
    expect(incidentChannelName('inc', 61, 'Payment API latency')).toBe('inc-61-payment-api-latency')
    expect(incidentChannelName('inc', 61, '  payment-api: p99 > 2s (checkout)!  ')).toBe('inc-61-payment-api-p99-2s-checkout')
  })

  it('keeps underscores and drops accents', () => {
    expect(incidentChannelName('sev', 7, 'orders_db café saturé')).toBe('sev-7-orders_db-cafe-sature')
    expect(incidentChannelName('inc', 7, 'Ｆｕｌｌｗｉｄｔｈ ＡＰＩ')).toBe('inc-7-fullwidth-api')
  })

  it('leaves out what has no letters or digits it can keep (other scripts, emoji)', () => {
    expect(incidentChannelName('inc', 8, '支付服务 延迟 🔥')).toBe('inc-8')
    expect(incidentChannelName('inc', 8, 'Оплата payment 🔥 down')).toBe('inc-8-payment-down')
    expect(incidentChannelName('inc', 8, '')).toBe('inc-8')
  })

  it('stays within 80 characters, cut at a word break, the suffix kept whole', () => {
    const title = 'checkout service returning 503 for every request from the mobile app in europe-west1 since the deploy'
    const name = incidentChannelName('inc', 123456, title)
    expect(name.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME_LENGTH)
    expect(name).toMatch(/^inc-123456-checkout-service-returning-503-.*[a-z0-9]$/)
    expect(title.replace(/ /g, '-')).toContain(name.slice('inc-123456-'.length))
    const suffixed = incidentChannelName('inc', 123456, title, '3f2a9c')
    expect(suffixed.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME_LENGTH)
    expect(suffixed).toMatch(/-3f2a9c$/)
    expect(incidentChannelName('inc', 1, 'x'.repeat(500)).length).toBe(MAX_CHANNEL_NAME_LENGTH)
  })

  it('makes a name Slack accepts out of any hostile title or prefix', () => {
    for (const text of [...hostile.strings, '---', '___', '\u0000\u202e', 'A'.repeat(300), '\ud83d']) {
      expect(incidentChannelName('inc', 61, text)).toMatch(SLACK_CHANNEL_NAME)
      expect(incidentChannelName(text, 61, text, text)).toMatch(SLACK_CHANNEL_NAME)
    }
  })
})

describe('isAtLeastSeverity', () => {
  it('orders critical > high > warning > info', () => {
    expect(isAtLeastSeverity('critical', 'high')).toBe(true)
    expect(isAtLeastSeverity('high', 'high')).toBe(true)
    expect(isAtLeastSeverity('warning', 'high')).toBe(false)
    expect(isAtLeastSeverity('info', 'info')).toBe(true)
  })

  it('ranks an unknown severity nowhere', () => {
    expect(isAtLeastSeverity('sev1', 'info')).toBe(false)
    expect(isAtLeastSeverity('critical', 'sev1')).toBe(false)
  })
})

describe('planIncidentChannel', () => {
  it('gives no channel in thread mode, or below the minimum severity', () => {
    expect(planIncidentChannel(policy({ mode: 'thread' }), incident)).toBeNull()
    expect(planIncidentChannel(policy(), { ...incident, severity: 'warning' })).toBeNull()
    expect(planIncidentChannel(policy({ minSeverity: 'warning' }), { ...incident, severity: 'warning' })).not.toBeNull()
  })

  it('tries the plain name, then numbered ones, then one made from the incident id', () => {
    expect(planIncidentChannel(policy(), incident)?.names).toEqual([
      'inc-61-payment-api-latency',
      'inc-61-payment-api-latency-2',
      'inc-61-payment-api-latency-3',
      'inc-61-payment-api-latency-3f2a9c',
    ])
  })

  it('invites the commander, else whoever declared it, then the responders, each once', () => {
    expect(planIncidentChannel(policy(), { ...incident, commanderId: 'U0BOB', createdBy: 'U0CAROL' })?.invitees).toEqual(['U0BOB', 'U0ALICE', 'S0ONCALL'])
    expect(planIncidentChannel(policy(), { ...incident, commanderId: null, createdBy: 'U0ALICE' })?.invitees).toEqual(['U0ALICE', 'S0ONCALL'])
    expect(planIncidentChannel(policy(), incident)?.invitees).toEqual(['U0ALICE', 'S0ONCALL'])
    expect(planIncidentChannel(policy({ isPrivate: true }), incident)?.isPrivate).toBe(true)
  })
})
