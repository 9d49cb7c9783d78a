import { afterEach, describe, expect, it, vi } from 'vitest'
import { gatherEvidence } from '../../../../src/core/analysis/evidence/gather-evidence'
import { gatherLogHistoryEvidence } from '../../../../src/core/analysis/log-history-evidence'
import type { LogTemplateHistory } from '../../../../src/core/analysis/logs/log-template-history'
import type { LogEntry } from '../../../../src/core/telemetry/port'
import { ScriptedTelemetry } from '../../../fakes/scripted-telemetry'

const MINUTE = 60_000
const startedAt = new Date('2026-03-10T14:10:00Z')
const now = new Date(startedAt.getTime() + 10 * MINUTE)
const incident = { id: 'inc-1', startedAt }

/** Cache misses all along; a new exception from 14:03 on. */
function logs(window: { start: Date; end: Date }): LogEntry[] {
  const lines: LogEntry[] = []
  for (let t = Math.ceil(window.start.getTime() / MINUTE) * MINUTE; t <= window.end.getTime(); t += MINUTE) {
    if ((t / MINUTE) % 10 === 0) lines.push({ at: new Date(t), service: 'payment-api', severity: 'WARNING', message: `cache miss for key user:${t % 97}` })
    if (t >= startedAt.getTime() - 7 * MINUTE)
      lines.push({ at: new Date(t), service: 'payment-api', severity: 'ERROR', message: `payment ${t % 1000} failed: NullPointerException` })
  }
  return lines
}

async function gathered() {
  const telemetry = new ScriptedTelemetry({ 'payment-api': { metrics: { latency_p95_ms: () => 300 }, logs } })
  return gatherEvidence(telemetry, { service: 'payment-api', startedAt, now })
}

/** A history whose every call fails the way `fail` says; records what was asked of it. */
function failingHistory(fail: () => Promise<never>): LogTemplateHistory & { calls: string[] } {
  const calls: string[] = []
  const call = (name: string) => () => {
    calls.push(name)
    return fail()
  }
  return {
    calls,
    listLogTemplates: call('listLogTemplates'),
    listLogTemplateCounts: call('listLogTemplateCounts'),
    recordLogTemplates: call('recordLogTemplates'),
    listEarlierIncidentErrors: call('listEarlierIncidentErrors'),
    replaceIncidentErrors: call('replaceIncidentErrors'),
  }
}

/** A history with no stored templates, whose earlier incidents had the given errors. */
function historyOfEarlierErrors(earlier: Awaited<ReturnType<LogTemplateHistory['listEarlierIncidentErrors']>>): LogTemplateHistory {
  return {
    listLogTemplates: async () => ({ templates: [], observedBuckets: [] }),
    listLogTemplateCounts: async () => new Map(),
    recordLogTemplates: async () => undefined,
    listEarlierIncidentErrors: async () => earlier,
    replaceIncidentErrors: async () => undefined,
  }
}

describe('gatherLogHistoryEvidence', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('without a history, compares with the hour before', async () => {
    const items = await gatherLogHistoryEvidence(null, { incident, service: 'payment-api', gathered: await gathered() })
    expect(items.map((i) => i.title)).toEqual(['New log pattern on payment-api since 14:03 UTC'])
    expect(items[0]!.detail).toContain('not seen in the hour before')
  })

  it('does not claim when a pattern began when the window fetch was cut short by its limit', async () => {
    const g = await gathered()
    g.ownWarnings = { ...g.ownWarnings!, now: { ...g.ownWarnings!.now, complete: false } }
    const items = await gatherLogHistoryEvidence(null, { incident, service: 'payment-api', gathered: g })
    expect(items.map((i) => i.title)).toEqual(['New log pattern on payment-api, already firing at 14:03 UTC (the earliest of the lines fetched)'])
  })

  it('when storage fails, still compares with the hour before, stores nothing blind, and says why', async () => {
    const history = failingHistory(() => Promise.reject(new Error('connection terminated unexpectedly')))
    const items = await gatherLogHistoryEvidence(history, { incident, service: 'payment-api', gathered: await gathered() })
    expect(items.map((i) => i.title)).toEqual([
      'New log pattern on payment-api since 14:03 UTC',
      'Log history not available: log patterns compared with the hour before only',
    ])
    expect(items[1]).toMatchObject({ anomalous: false, source: 'logs' })
    expect(items[1]!.detail).toContain('reading template statistics: connection terminated unexpectedly')
    expect(history.calls).not.toContain('recordLogTemplates')
  })

  it('names the earlier incident with the same error and its fix, cut at a word when long', async () => {
    const resolution = 'Enabled circuit breaker on calls from payment-api to fraud-check (fallback scoring) and raised the endpoint min nodes to 4.'
    const earlier = {
      incidentId: 'inc-0',
      number: 12,
      title: 'payment-api slow',
      startedAt: new Date(startedAt.getTime() - 3 * 86_400_000),
      resolution,
      resolutionOutcome: 'worked' as const,
    }
    const sightings = [
      {
        service: 'payment-api',
        template: 'payment <*> failed: NullPointerException',
        example: 'payment 120 failed: NullPointerException',
        errorGroupId: null,
        occurrences: 40,
        seenAt: earlier.startedAt,
      },
    ]
    const history = historyOfEarlierErrors([{ ...earlier, sightings }])
    const items = await gatherLogHistoryEvidence(history, { incident, service: 'payment-api', gathered: await gathered() })
    const same = items.find((i) => i.title.startsWith('Same error as INC-12'))!
    expect(same.title).toBe(
      'Same error as INC-12: payment <*> failed: NullPointerException (resolved by Enabled circuit breaker on calls from payment-api to fraud-check (fallback scoring) and raised the endpoint min nodes…)',
    )
    expect(same.detail).toContain(`resolved by: ${resolution} (worked)`)
  })

  it('makes one item of the errors that recur with the same earlier incidents (a log line and its Error Reporting group)', async () => {
    const earlier = {
      incidentId: 'inc-0',
      number: 12,
      title: 'payment-api slow',
      startedAt: new Date(startedAt.getTime() - 3 * 86_400_000),
      resolution: 'rolled back',
      resolutionOutcome: 'worked' as const,
    }
    const group = {
      groupId: 'npe-group',
      service: 'payment-api',
      message: 'TypeError: Cannot read properties of undefined (reading card)\n    at tokenize',
      count: 30,
      firstSeen: new Date(startedAt.getTime() - 5 * MINUTE),
      lastSeen: now,
    }
    const sightings = [
      {
        service: 'payment-api',
        template: 'payment <*> failed: NullPointerException',
        example: 'payment 120 failed: NullPointerException',
        errorGroupId: null,
        occurrences: 40,
        seenAt: earlier.startedAt,
      },
      {
        service: 'payment-api',
        template: 'TypeError: Cannot read properties of undefined (reading card)',
        example: 'TypeError: Cannot read properties of undefined (reading card)',
        errorGroupId: 'npe-group',
        occurrences: 25,
        seenAt: earlier.startedAt,
      },
    ]
    const history = historyOfEarlierErrors([{ ...earlier, sightings }])
    const telemetry = new ScriptedTelemetry({ 'payment-api': { metrics: { latency_p95_ms: () => 300 }, logs, errors: [group] } })
    const evidence = await gatherEvidence(telemetry, { service: 'payment-api', startedAt, now })
    const items = (await gatherLogHistoryEvidence(history, { incident, service: 'payment-api', gathered: evidence })).filter((i) =>
      i.title.startsWith('Same error as'),
    )
    expect(items).toHaveLength(1)
    expect(items[0]!.title).toMatch(/^Same error as INC-12: .+ and 1 more error seen with it \(resolved by rolled back\)$/)
    expect(items[0]!.data).toMatchObject({ errorGroupIds: ['npe-group'] })
    expect((items[0]!.data as { templates: string[] }).templates).toHaveLength(2)
  })

  it('does not wait for storage that never answers', async () => {
    vi.useFakeTimers()
    const history = failingHistory(() => new Promise<never>(() => undefined))
    const evidence = await gathered()
    const pending = gatherLogHistoryEvidence(history, { incident, service: 'payment-api', gathered: evidence }, { deadlineMs: 1000 })
    await vi.advanceTimersByTimeAsync(5000)
    const items = await pending
    expect(items[0]!.title).toBe('New log pattern on payment-api since 14:03 UTC')
    expect(items.at(-1)!.detail).toContain('gave no answer within 1 s')
  })
})
