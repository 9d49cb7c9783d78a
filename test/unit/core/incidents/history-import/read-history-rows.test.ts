import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { columnMapping, ColumnMappingError } from '../../../../../src/core/incidents/history-import/column-mapping'
import type { ReadRow } from '../../../../../src/core/incidents/history-import/imported-incident'
import { firstRowPerExternalId, HistoryFileError, readCsvHistory, readJsonlHistory } from '../../../../../src/core/incidents/history-import/read-history-rows'

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/history')
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

const incidents = (rows: ReadRow[]) => rows.flatMap((r) => ('incident' in r ? [{ ...r.incident, line: r.place.line }] : []))
const problems = (rows: ReadRow[]) => rows.flatMap((r) => ('problem' in r ? [`${r.problem.line}: ${r.problem.reason}`] : []))

describe('readCsvHistory', () => {
  it('reads a generic CSV by column name, each row with the line it starts on (quoted line breaks counted)', () => {
    const rows = firstRowPerExternalId(readCsvHistory(fixture('generic.csv'), columnMapping('csv', [])))
    expect(incidents(rows).map((i) => [i.line, i.externalId, i.severity, i.outcome, i.resolvedAt?.toISOString() ?? null])).toEqual([
      [2, 'OPS-101', 'high', 'worked', '2024-03-01T10:45:00.000Z'],
      [3, 'OPS-102', 'critical', 'partly', '2024-03-05T08:00:00.000Z'],
    ])
    expect(incidents(rows)[1]!.summary).toBe('payment-worker pods restarted every few minutes\n(OOMKilled, exit code 137); payments queued.')
    expect(problems(rows)).toEqual([
      '5: the title ("title") is empty',
      expect.stringMatching(/^6: unreadable start time "the day before yesterday" in "started"/),
      expect.stringMatching(/^7: unknown severity "SEV9"/),
      '8: resolved (2024-03-10T01:00:00Z) before it started (2024-03-10T02:00:00Z)',
      '9: the link "javascript:alert(1)" in "link" is not an http(s) URL',
      '10: external id "OPS-101" already on line 2: this row is left out',
    ])
  })

  it('reads a Jira export: Issue key, Priority, Resolution as the outcome, the first non-empty Component/s, Jira and ISO dates', () => {
    const rows = readCsvHistory(fixture('jira.csv'), columnMapping('jira', []))
    expect(incidents(rows).map((i) => [i.line, i.externalId, i.service, i.severity, i.outcome, i.startedAt.toISOString()])).toEqual([
      [2, 'OPS-2001', 'ledger-db', 'critical', 'worked', '2021-09-30T17:20:00.000Z'],
      [5, 'OPS-2002', 'notify-worker', 'high', 'unknown', '2020-01-02T17:14:21.000Z'],
      [7, 'OPS-2004', null, 'info', 'unknown', '2021-01-03T21:05:00.000Z'],
    ])
    expect(incidents(rows)[0]!.summary).toContain('"cannot execute UPDATE in a read-only transaction"')
    expect(problems(rows)).toEqual([expect.stringMatching(/^6: unreadable start time "yesterday" in "Created"/)])
  })

  it("reads PagerDuty's export, the description as title, and its API's column names", () => {
    const rows = readCsvHistory(fixture('pagerduty.csv'), columnMapping('pagerduty', []))
    expect(incidents(rows).map((i) => [i.externalId, i.title, i.service, i.severity, i.summary, i.link, i.resolvedAt?.toISOString()])).toEqual([
      [
        'PT4KHLK',
        '[FIRING] inventory-db CPU above 90%',
        'inventory-db',
        'high',
        '',
        'https://acme.pagerduty.com/incidents/PT4KHLK',
        '2024-05-01T03:55:00.000Z',
      ],
      ['PX9ZQ2M', 'pricing-api error rate above 2%', 'pricing-api', 'info', '', 'https://acme.pagerduty.com/incidents/PX9ZQ2M', '2024-05-02T18:20:00.000Z'],
    ])
    expect(problems(rows)).toEqual(['4: the start time ("created_on") is empty'])
    const api = incidents(readCsvHistory(fixture('pagerduty-api-names.csv'), columnMapping('pagerduty', [])))
    expect(api.map((i) => [i.externalId, i.title, i.service, i.severity])).toEqual([['88', 'billing-api latency above 1 s', 'billing-api', 'critical']])
  })

  it('reads a field from the column --map names, and refuses a --map column the file lacks', () => {
    const csv = 'Headline,When,Team\nqueue stuck,2024-01-01T00:00:00Z,payments\n'
    const maps = ['title=headline', 'started=When', 'service=Team']
    expect(incidents(readCsvHistory(csv, columnMapping('csv', maps), maps)).map((i) => [i.title, i.service])).toEqual([['queue stuck', 'payments']])
    expect(() => readCsvHistory(csv, columnMapping('csv', ['title=Nope']), ['title=Nope'])).toThrow(HistoryFileError)
    expect(() => columnMapping('csv', ['colour=Headline'])).toThrow(ColumnMappingError)
    expect(() => columnMapping('csv', ['title='])).toThrow(/name the column/)
  })

  it('reports odd rows and goes on: extra fields, blank lines skipped, an unterminated quote ends the file', () => {
    const csv = 'title,started\nok,2024-01-01\n\none,2024-01-02,surplus,fields\nfine,2024-01-03,\nlast,"2024-01-04\nnever closed\n'
    const rows = readCsvHistory(csv, columnMapping('csv', []))
    expect(incidents(rows).map((i) => [i.line, i.title])).toEqual([
      [2, 'ok'],
      [5, 'fine'],
    ])
    expect(problems(rows)).toEqual([
      '4: 4 fields where the header has 2 (an unquoted comma?)',
      '6: a quoted field is never closed: this row and the rest of the file were not read',
    ])
    expect(() => readCsvHistory('\n\n', columnMapping('csv', []))).toThrow(/no header row/)
  })
})

describe('readJsonlHistory', () => {
  it('reads one object a line, nested names flattened, and reports the lines that are not objects', () => {
    const rows = readJsonlHistory(fixture('incidents.jsonl'), columnMapping('jsonl', []))
    expect(incidents(rows).map((i) => [i.line, i.externalId, i.title, i.service, i.severity, i.rootCause, i.resolution, i.link])).toEqual([
      [
        1,
        'PIR-7',
        'orders-api 5xx above 5%',
        'orders-api',
        'high',
        'bad timeout in the config push',
        'reverted the config push',
        'https://status.example.com/pir-7',
      ],
      [2, 'PIR-8', 'cart-gateway TLS handshake failures', 'cart-gateway', 'critical', null, null, null],
    ])
    expect(problems(rows)).toEqual([expect.stringMatching(/^4: not JSON \(/), '5: not a JSON object', '6: no title column'])
  })
})
