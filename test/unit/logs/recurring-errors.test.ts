import { describe, expect, it } from 'vitest'
import { findRecurringErrors, type IncidentErrors } from '../../../src/core/analysis/logs/recurring-errors'
import type { ErrorGroupStats, LogEntry, LogSeverity } from '../../../src/core/telemetry/port'

const at = new Date('2025-03-01T12:00:00Z')
const log = (message: string, overrides: Partial<LogEntry> = {}): LogEntry => ({ at, service: 'checkout-api', severity: 'ERROR' as LogSeverity, message, ...overrides })
const group = (groupId: string, message: string, overrides: Partial<ErrorGroupStats> = {}): ErrorGroupStats => ({ groupId, service: 'checkout-api', message, count: 1, firstSeen: at, lastSeen: at, ...overrides })
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
      incident('INC-2', [log('TimeoutError: fraud-check did not answer within 2500ms', { service: 'orders-api' })], [group('g-b', 'TimeoutError: fraud-check did not answer within 3000ms', { count: 7 })]),
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
