import { describe, expect, it } from 'vitest'
import { derivedExternalId, type HistoryRecord, type ReadRow, toImportedIncident } from '../../../../../src/core/incidents/history-import/imported-incident'

const at = { line: 7 }

function record(fields: Record<string, string>): HistoryRecord {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { value: v, column: k }]))
}

function read(fields: Record<string, string>): ReadRow {
  return toImportedIncident(record({ title: 'orders-api 5xx', started: '2024-03-01T10:00:00Z', ...fields }), at)
}

function incident(fields: Record<string, string>) {
  const row = read(fields)
  if (!('incident' in row)) throw new Error(`expected an incident, got: ${row.problem.reason}`)
  return row.incident
}

function problem(fields: Record<string, string>): string {
  const row = read(fields)
  if (!('problem' in row)) throw new Error('expected a problem')
  expect(row.problem.line).toBe(7)
  return row.problem.reason
}

describe('toImportedIncident', () => {
  it('keeps every field of a complete row', () => {
    expect(
      incident({
        external_id: ' OPS-1 ',
        service: 'orders-api',
        severity: 'SEV1',
        resolved: '2024-03-01 11:30:00+01:00',
        summary: 'HTTP 500 above 5 %',
        root_cause: 'bad config',
        contributing_factors: 'no config validation in CI',
        resolution: 'reverted',
        outcome: 'Fixed',
        postmortem: '# Postmortem',
        link: 'https://wiki.example.com/ops-1',
      }),
    ).toEqual({
      externalId: 'OPS-1',
      title: 'orders-api 5xx',
      service: 'orders-api',
      severity: 'critical',
      startedAt: new Date('2024-03-01T10:00:00Z'),
      resolvedAt: new Date('2024-03-01T10:30:00Z'),
      summary: 'HTTP 500 above 5 %',
      rootCause: 'bad config',
      contributingFactors: 'no config validation in CI',
      resolution: 'reverted',
      outcome: 'worked',
      postmortem: '# Postmortem',
      link: 'https://wiki.example.com/ops-1',
    })
  })

  it('reads the usual severity scales and priority names, and defaults a missing one to warning', () => {
    const severity = (s: string) => incident({ severity: s }).severity
    expect(['critical', 'Blocker', 'P1', 'sev-0', 'S1', 'Highest'].map(severity)).toEqual(Array(6).fill('critical'))
    expect(['high', 'Major', 'P2', 'SEV 2'].map(severity)).toEqual(Array(4).fill('high'))
    expect(['warning', 'Medium', 'Minor', 'p3'].map(severity)).toEqual(Array(4).fill('warning'))
    expect(['info', 'low', 'Trivial', 'P5'].map(severity)).toEqual(Array(4).fill('info'))
    expect(severity('')).toBe('warning')
  })

  it('reads outcomes in the words exports use; anything else is unknown', () => {
    const outcome = (s: string) => incident({ outcome: s }).outcome
    expect(['worked', 'Fixed', 'Done', 'partly', 'Mitigated', 'failed', 'Not Fixed', "Won't Fix", 'Duplicate', ''].map(outcome)).toEqual([
      'worked',
      'worked',
      'worked',
      'partly',
      'partly',
      'failed',
      'failed',
      'unknown',
      'unknown',
      'unknown',
    ])
  })

  it('reports a row it cannot store, with its line and a reason naming the column', () => {
    expect(problem({ title: '  ' })).toBe('the title ("title") is empty')
    expect(problem({ started: '' })).toBe('the start time ("started") is empty')
    expect(problem({ started: 'last Tuesday' })).toMatch(/^unreadable start time "last Tuesday" in "started"/)
    expect(problem({ started: '2024-02-30T10:00:00Z' })).toMatch(/^unreadable start time/)
    expect(problem({ resolved: '31/Foo/21 10:00' })).toMatch(/^unreadable resolution time "31\/Foo\/21 10:00"/)
    expect(problem({ resolved: '2024-03-01T09:00:00Z' })).toBe('resolved (2024-03-01T09:00:00Z) before it started (2024-03-01T10:00:00Z)')
    expect(problem({ severity: 'apocalyptic' })).toMatch(/^unknown severity "apocalyptic" in "severity"/)
    expect(problem({ link: 'javascript:alert(1)' })).toBe('the link "javascript:alert(1)" in "link" is not an http(s) URL')
    expect(problem({ link: 'not a url' })).toMatch(/is not an http\(s\) URL$/)
    const noTitle = toImportedIncident(record({ started: '2024-03-01T10:00:00Z' }), at)
    expect(noTitle).toEqual({ problem: { line: 7, reason: 'no title column' } })
  })

  it('stores hostile text as text: NUL removed, title on one line and cut, long fields cut', () => {
    const i = incident({
      title: `<!channel> *bold*\n\u0000${'x'.repeat(600)}`,
      summary: `a\u0000b ${'y'.repeat(20_000)}`,
      service: '  checkout-api  ',
      root_cause: '',
    })
    expect(i.title).toMatch(/^<!channel> \*bold\* x+…$/)
    expect(i.title).toHaveLength(500)
    expect(i.summary.startsWith('ab ')).toBe(true)
    expect(i.summary).toHaveLength(10_000)
    expect(i.service).toBe('checkout-api')
    expect(i.rootCause).toBeNull()
  })

  it('derives a stable external id from title, service and start when the row has none', () => {
    const a = incident({ service: 'orders-api' })
    const b = incident({ service: 'orders-api' })
    expect(a.externalId).toMatch(/^derived:[0-9a-f]{20}$/)
    expect(b.externalId).toBe(a.externalId)
    expect(a.externalId).toBe(derivedExternalId('orders-api 5xx', 'orders-api', new Date('2024-03-01T10:00:00Z')))
    expect(incident({ service: 'cart-api' }).externalId).not.toBe(a.externalId)
  })

  it('drops a summary that only repeats the title (PagerDuty description read as both)', () => {
    expect(incident({ summary: 'orders-api 5xx' }).summary).toBe('')
  })
})
