import { describe, expect, it } from 'vitest'
import type { PastIncidentErrors } from '../../../../../src/core/analysis/logs/log-template-history'
import { findErrorsSeenBefore, findRecurringErrors, summarizeIncidentErrors, type IncidentErrors } from '../../../../../src/core/analysis/logs/recurring-errors'
import type { ErrorGroupStats, LogEntry, LogSeverity } from '../../../../../src/core/telemetry/port'

const at = new Date('2025-03-01T12:00:00Z')
const log = (message: string, overrides: Partial<LogEntry> = {}): LogEntry => ({
  at,
  service: 'checkout-api',
  severity: 'ERROR' as LogSeverity,
  message,
  ...overrides,
})
const group = (groupId: string, message: string, overrides: Partial<ErrorGroupStats> = {}): ErrorGroupStats => ({
  groupId,
  service: 'checkout-api',
  message,
  count: 1,
  firstSeen: at,
  lastSeen: at,
  ...overrides,
})
const incident = (incidentId: string, logs: LogEntry[], errorGroups: ErrorGroupStats[] = []): IncidentErrors => ({ incidentId, logs, errorGroups })

describe('findRecurringErrors', () => {
  it('finds the same error across incidents although ids and hosts differ', () => {
    const recurring = findRecurringErrors([
      incident('INC-12', [log('connection to 10.12.4.17:5432 refused after 3 attempts'), log('connection to 10.12.4.17:5432 refused after 3 attempts')]),
      incident('INC-31', [log('connection to 10.12.9.2:5432 refused after 5 attempts')]),
      incident('INC-40', [log('payment 81726 declined: card expired')]),
    ])
    expect(recurring).toEqual([
      {
        template: 'connection to <*>:<*> refused after <*> attempts',
        incidents: [
          { incidentId: 'INC-12', count: 2 },
          { incidentId: 'INC-31', count: 1 },
        ],
        errorGroupIds: [],
        services: ['checkout-api'],
        occurrences: 3,
        example: 'connection to 10.12.4.17:5432 refused after 3 attempts',
      },
    ])
  })

  it('counts Error Reporting groups by their first line, folding groups that share one shape', () => {
    const recurring = findRecurringErrors([
      incident('INC-1', [], [group('g-a', 'TimeoutError: fraud-check did not answer within 2000ms\n    at call (client.ts:10)', { count: 40 })]),
      incident(
        'INC-2',
        [log('TimeoutError: fraud-check did not answer within 2500ms', { service: 'orders-api' })],
        [group('g-b', 'TimeoutError: fraud-check did not answer within 3000ms', { count: 7 })],
      ),
    ])
    expect(recurring).toHaveLength(1)
    expect(recurring[0]).toMatchObject({
      template: 'TimeoutError: fraud-check did not answer within <*>',
      errorGroupIds: ['g-a', 'g-b'],
      services: ['checkout-api', 'orders-api'],
      occurrences: 48,
      incidents: [
        { incidentId: 'INC-1', count: 40 },
        { incidentId: 'INC-2', count: 8 },
      ],
    })
  })

  it('ignores log lines below ERROR and errors seen in one incident only', () => {
    const recurring = findRecurringErrors([
      incident('INC-1', [log('cache warm-up took 812ms', { severity: 'WARNING' }), log('disk quota exceeded on volume 7')]),
      incident('INC-2', [log('cache warm-up took 640ms', { severity: 'INFO' })]),
    ])
    expect(recurring).toEqual([])
  })

  it('can ask for more incidents before calling an error recurring', () => {
    const incidents = ['A', 'B', 'C'].map((id, i) => incident(id, [log(`worker ${i} crashed with exit code 137`)]))
    expect(findRecurringErrors(incidents, { minIncidents: 3 })).toHaveLength(1)
    expect(findRecurringErrors(incidents, { minIncidents: 4 })).toEqual([])
  })
})

describe('findErrorsSeenBefore', () => {
  const day = (d: number) => new Date(at.getTime() + d * 86_400_000)
  const past = (number: number, startedAt: Date, examples: string[], overrides: Partial<PastIncidentErrors> = {}): PastIncidentErrors => ({
    incidentId: `id-${number}`,
    number,
    title: `incident ${number}`,
    startedAt,
    resolution: `fix ${number}`,
    resolutionOutcome: 'worked',
    sightings: examples.map((example) => ({ service: 'checkout-api', template: example, example, errorGroupId: null, occurrences: 4, seenAt: startedAt })),
    ...overrides,
  })
  const current = {
    incidentId: 'now',
    startedAt: at,
    logs: [log('connection to 10.1.1.1:5432 refused after 3 attempts'), log('connection to 10.1.1.9:5432 refused after 4 attempts')],
    errorGroups: [],
  }

  it('names the earlier incidents that had the same error, most recent first, with what resolved them', () => {
    const found = findErrorsSeenBefore(current, [
      past(12, day(-30), ['connection to 10.12.4.17:5432 refused after 3 attempts']),
      past(31, day(-2), ['connection to 10.9.9.9:5432 refused after 5 attempts', 'unrelated failure in cron']),
      past(20, day(-10), ['payment 81726 declined: card expired']),
    ])
    expect(found).toEqual([
      {
        template: 'connection to <*>:<*> refused after <*> attempts',
        example: 'connection to 10.1.1.1:5432 refused after 3 attempts',
        errorGroupIds: [],
        services: ['checkout-api'],
        countNow: 2,
        earlier: [
          { incidentId: 'id-31', number: 31, title: 'incident 31', startedAt: day(-2), resolution: 'fix 31', resolutionOutcome: 'worked', count: 4 },
          { incidentId: 'id-12', number: 12, title: 'incident 12', startedAt: day(-30), resolution: 'fix 12', resolutionOutcome: 'worked', count: 4 },
        ],
      },
    ])
  })

  it('ignores incidents that started at or after this one, and this one itself (as of its start)', () => {
    const found = findErrorsSeenBefore(current, [
      past(40, day(1), ['connection to 10.0.0.1:5432 refused after 3 attempts']),
      past(41, at, ['connection to 10.0.0.2:5432 refused after 3 attempts']),
      { ...past(42, day(-1), ['connection to 10.0.0.3:5432 refused after 3 attempts']), incidentId: 'now' },
    ])
    expect(found).toEqual([])
  })

  it('matches an Error Reporting group of this incident to a stored sighting of an earlier one', () => {
    const withGroup = {
      ...current,
      logs: [],
      errorGroups: [group('g-9', 'TimeoutError: fraud-check did not answer within 2000ms\n  at call (client.ts:10)', { count: 12 })],
    }
    const found = findErrorsSeenBefore(withGroup, [
      past(7, day(-5), [], {
        sightings: [
          {
            service: 'checkout-api',
            template: 'x',
            example: 'TimeoutError: fraud-check did not answer within 3100ms',
            errorGroupId: 'g-1',
            occurrences: 30,
            seenAt: day(-5),
          },
        ],
      }),
    ])
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({
      template: 'TimeoutError: fraud-check did not answer within <*>',
      errorGroupIds: ['g-1', 'g-9'],
      countNow: 12,
      earlier: [{ number: 7, count: 30 }],
    })
  })
})

describe('summarizeIncidentErrors', () => {
  it('keeps one sighting per error template and service and one per Error Reporting group, most frequent first', () => {
    const sightings = summarizeIncidentErrors(
      [
        log('connection to 10.1.1.1:5432 refused after 3 attempts'),
        log('connection to 10.1.1.2:5432 refused after 4 attempts', { at: new Date(at.getTime() - 60_000) }),
        log('connection to 10.1.1.3:5432 refused after 4 attempts', { service: 'orders-api' }),
        log('slow request', { severity: 'WARNING' }),
      ],
      [group('g-1', 'TimeoutError: upstream\n  at x (y.ts:1)', { count: 9 })],
    )
    expect(sightings).toEqual([
      { service: 'checkout-api', template: 'TimeoutError: upstream', example: 'TimeoutError: upstream', errorGroupId: 'g-1', occurrences: 9, seenAt: at },
      {
        service: 'checkout-api',
        template: 'connection to <*>:<*> refused after <*> attempts',
        example: 'connection to 10.1.1.1:5432 refused after 3 attempts',
        errorGroupId: null,
        occurrences: 2,
        seenAt: new Date(at.getTime() - 60_000),
      },
      {
        service: 'orders-api',
        template: 'connection to <*>:<*> refused after <*> attempts',
        example: 'connection to 10.1.1.3:5432 refused after 4 attempts',
        errorGroupId: null,
        occurrences: 1,
        seenAt: at,
      },
    ])
  })

  it('cuts hostile messages to one safe line of at most 2 KB and drops empty ones', () => {
    const sightings = summarizeIncidentErrors([log(`boom\u0000 ${'z'.repeat(3_000_000)}`), log(''), log('\n\n')], [])
    expect(sightings).toHaveLength(1)
    expect(sightings[0]!.example.length).toBe(2048)
    expect(sightings[0]!.example).not.toContain('\u0000')
    expect(sightings[0]!.template.length).toBeLessThanOrEqual(2048)
  })
})
